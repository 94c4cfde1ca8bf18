namespace AsTracking.Core.Pupils;

public enum PupilStatus { OnRoll, Left, Incoming }

/// <summary>The identifying fields of a pupil. Storage encrypts each one under the pupil's data key (R19).</summary>
public sealed record PupilIdentity(string Upn, string GivenName, string FamilyName, DateOnly DateOfBirth);

/// <summary>A pupil on (or formerly on) one school's roll. PupilId is opaque and carries no personal data.</summary>
public sealed record Pupil(
    string SchoolId,
    string PupilId,
    PupilIdentity Identity,
    int YearGroup,
    string? TutorGroup,
    string? House,
    PupilStatus Status,
    DateOnly? JoinedOn,
    DateOnly? LeftOn,
    bool OptedOut)
{
    public bool IsOnRoll => Status == PupilStatus.OnRoll;
}

/// <summary>
/// A pupil's place on the roll and consent, read without opening any identifier (intake, scoring, sessions).
/// <paramref name="Version"/> is the store's opaque concurrency token for the pupil: it changes with every write to
/// the pupil, so a code that remembers it can later prove, inside its claim, that nothing changed since issue.
/// </summary>
public sealed record PupilState(string PupilId, PupilStatus Status, bool OptedOut, int YearGroup, string? TutorGroup, string? Version = null);
