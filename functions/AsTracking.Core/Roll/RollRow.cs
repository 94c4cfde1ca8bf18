namespace AsTracking.Core.Roll;

/// <summary>One row of a roll upload as it arrived, before validation. Every field is text.</summary>
public sealed record RawRollRow(int Row, string? Upn, string? GivenName, string? FamilyName, string? DateOfBirth,
    string? YearGroup, string? TutorGroup, string? House);

/// <summary>A validated roll row.</summary>
public sealed record RollRow(int Row, string Upn, string GivenName, string FamilyName, DateOnly DateOfBirth,
    int YearGroup, string? TutorGroup, string? House);

public sealed record RollRejection(int Row, IReadOnlyList<string> Errors);

public enum RollMode { Replace, Upsert }

public sealed record RollResult(int Added, int Updated, int Unchanged, int Left, IReadOnlyList<RollRejection> Rejected);
