using AsTracking.Core.Scoring;

namespace AsTracking.Core.Assessments;

public enum SkipReason { OptedOut, AlreadyAssessed, NotOnRoll }

public sealed record SessionSkip(string PupilId, SkipReason Reason);

/// <summary>A supervised session (R7). Codes are never stored, only their keyed hashes.</summary>
public sealed record AssessmentSession(
    string SchoolId,
    string SessionId,
    AcademicRound Round,
    DateTimeOffset OpenedAt,
    DateTimeOffset ClosesAt,
    string OpenedBy,
    int CodeCount);

/// <summary>The stored side of one code: found by keyed hash, pointing at one pupil and round. Immutable; use is
/// recorded by a claim in the school's partition. <paramref name="PupilVersion"/> is the pupil's version when the
/// code was issued (null for codes issued before versions were kept).</summary>
public sealed record AssessmentCode(
    string CodeKey,
    string SchoolId,
    string SessionId,
    string PupilId,
    AcademicRound Round,
    DateTimeOffset ClosesAt,
    string? PupilVersion = null);

/// <summary>A code as issued: shown once, stored only as its keyed hash, with the pupil's version at issue.</summary>
public sealed record IssuedCode(string PupilId, string Code, string CodeKey, string? PupilVersion = null);

public enum SubmissionStatus { Received, Scored, Failed }

/// <summary>What the server knows of a submission, next to the sealed raw blob.</summary>
public sealed record SubmissionRecord(
    string SchoolId,
    string SubmissionId,
    string PupilId,
    string SessionId,
    AcademicRound Round,
    DateTimeOffset ReceivedAt,
    SubmissionStatus Status,
    string? ModelVersion = null,
    string? FailureReason = null)
{
    public SubmissionRef Ref => new(SchoolId, Round, PupilId, SubmissionId);
}

/// <summary>
/// Where a submission's record is: a pupil has at most one submission a round, so school, round and pupil name it;
/// the id confirms it is the submission meant.
/// </summary>
public sealed record SubmissionRef(string SchoolId, AcademicRound Round, string PupilId, string SubmissionId);

/// <summary>The raw submission as stored (R8): the answers exactly as sent, without the code itself.</summary>
public sealed record RawSubmission(
    string SubmissionId,
    IReadOnlyList<int> OutOfSchool,
    IReadOnlyList<int> InSchool,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<string> Accommodations);

/// <summary>A scored round of one pupil, tagged with the model that produced it (R10).</summary>
public sealed record AssessmentResult(
    string SchoolId,
    string PupilId,
    string SubmissionId,
    AcademicRound Round,
    DateTimeOffset ScoredAt,
    int YearGroup,
    string? TutorGroup,
    ScoringResult Scoring)
{
    public string ModelVersion => $"{Scoring.ModelId}@{Scoring.ModelVersion}";
}

/// <summary>The queue message of assessment-scoring: ids and the round only, never personal data.</summary>
public sealed record ScoringMessage(string SchoolId, string SubmissionId, string PupilId, string Round)
{
    public static ScoringMessage For(SubmissionRecord record) => new(record.SchoolId, record.SubmissionId, record.PupilId, record.Round.Key);

    /// <summary>The submission the message names, or null when any part of it is malformed.</summary>
    public SubmissionRef? Ref =>
        Ids.IsValidSchoolId(SchoolId) && Ids.IsOpaqueId(SubmissionId, IdKinds.Submission) && Ids.IsOpaqueId(PupilId, IdKinds.Pupil)
            && AcademicRound.TryFromKey(Round, out var round)
            ? new SubmissionRef(SchoolId, round, PupilId, SubmissionId)
            : null;
}

/// <summary>The queue message of pastoral-alerts.</summary>
public sealed record AlertMessage(string SchoolId, string PupilId, string SubmissionId, string Priority, string AcademicYear, int Round);

public sealed record Notification(string SchoolId, string NotificationId, string Kind, DateTimeOffset CreatedAt,
    string? PupilId, string? Priority, string? AcademicYear, int? Round, string? TransferId = null);
