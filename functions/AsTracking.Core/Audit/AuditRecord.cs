namespace AsTracking.Core.Audit;

/// <summary>What a use case asks to be audited (R18). PupilId is turned into a keyed pseudonym before storage.</summary>
public sealed record AuditRecord(string SchoolId, string Actor, string Action, string? PupilId, string Outcome);

/// <summary>A stored, hash-chained audit entry.</summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string SchoolId,
    string Actor,
    string Action,
    string? PupilPseudonym,
    string Outcome,
    string PreviousHash,
    string Hash);

public sealed record AuditVerification(long Entries, bool Valid, long? FirstBrokenAt);
