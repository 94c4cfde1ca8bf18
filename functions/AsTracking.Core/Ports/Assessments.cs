using AsTracking.Core.Assessments;

namespace AsTracking.Core.Ports;

/// <summary>Sessions and their codes (R7).</summary>
public interface ISessionStore
{
    /// <summary>Writes the codes (by keyed hash) and then the session; a code never exists without its session's pupils on roll.</summary>
    Task CreateAsync(AssessmentSession session, IReadOnlyList<IssuedCode> codes, CancellationToken ct);

    Task<AssessmentCode?> FindCodeAsync(string codeKey, CancellationToken ct);

    /// <summary>Pupils with a submission in the round, from an index in the school's partition.</summary>
    Task<IReadOnlySet<string>> AssessedPupilsAsync(string schoolId, AcademicRound round, CancellationToken ct);
}

/// <summary>Raw submissions (blob, create-only, sealed under the pupil's data key) and their records.</summary>
public interface ISubmissionStore
{
    /// <summary>
    /// Claims the code for this submission with one conditional write: the submission record (holding the code's
    /// hash and the payload's, so it is also the code's claim and the pupil-round marker), written only if the pupil
    /// is still at <paramref name="pupilVersion"/> (see <see cref="Pupils.PupilState.Version"/>). A used code or an
    /// assessed pupil-round refuses the claim and reports what holds it; a pupil changed (or gone) since that
    /// version refuses it with <see cref="ClaimOutcome.PupilChanged"/>, and nothing is written.
    /// </summary>
    Task<ClaimResult> ClaimAsync(SubmissionRecord record, string codeKey, string payloadHash, string pupilVersion, CancellationToken ct);

    /// <summary>Stores the raw submission, create-only; an existing blob with the same id is left as it is.</summary>
    Task SaveRawAsync(SubmissionRecord record, RawSubmission raw, CancellationToken ct);

    Task<SubmissionRecord?> GetRecordAsync(SubmissionRef submission, CancellationToken ct);

    /// <summary>
    /// The record, the pupil's state and the raw submission for scoring, read together (all are named by the
    /// reference alone). Null when there is no record.
    /// </summary>
    Task<StoredSubmission?> GetWithRawAsync(SubmissionRef submission, CancellationToken ct);

    Task MarkFailedAsync(SubmissionRef submission, string reason, CancellationToken ct);

    /// <summary>Every submission record of a school (one partition range).</summary>
    IAsyncEnumerable<SubmissionRecord> ListAsync(string schoolId, CancellationToken ct);
}

/// <summary>
/// A submission record with its raw answers fetched alongside but still sealed: only a delivery that scores opens
/// them, so a repeat of an already scored submission never depends on the raw blob. The pupil's state (groups,
/// consent, version) comes from the same read.
/// </summary>
public sealed class StoredSubmission(SubmissionRecord record, Pupils.PupilState pupil, Func<CancellationToken, Task<RawSubmission?>> openRaw)
{
    public SubmissionRecord Record { get; } = record;

    public Pupils.PupilState Pupil { get; } = pupil;

    /// <summary>The raw answers, or null when the raw blob is gone.</summary>
    public Task<RawSubmission?> OpenRawAsync(CancellationToken ct) => openRaw(ct);
}

public enum ClaimOutcome { Claimed, SamePayload, OtherPayload, PupilAlreadyAssessed, PupilChanged }

/// <summary>The claim's outcome; for a used code, the submission that holds it.</summary>
public sealed record ClaimResult(ClaimOutcome Outcome, SubmissionRecord? Holder);

/// <summary>The pupil changed after it was read, so a write that depended on what was read did not happen.</summary>
public sealed class PupilChangedException() : Exception("The pupil changed while the write was prepared.");

/// <summary>Scored results and the cohort summaries kept beside them.</summary>
public interface IResultStore
{
    /// <summary>All of a pupil's scored rounds, every model version, oldest first.</summary>
    Task<IReadOnlyList<AssessmentResult>> ForPupilAsync(string schoolId, string pupilId, CancellationToken ct);

    /// <summary>The pupil's result for one round and model version, or null (one point read).</summary>
    Task<AssessmentResult?> GetAsync(string schoolId, string pupilId, AcademicRound round, string modelVersion, CancellationToken ct);

    /// <summary>
    /// The polar state of the pupil's scored rounds before <paramref name="round"/> under one model version, newest
    /// first, for the trend flags (R11). One point read: each result also records its round there.
    /// </summary>
    Task<IReadOnlyList<Scoring.PolarHistory>> PreviousPolarAsync(string schoolId, string pupilId, AcademicRound round, string modelVersion, CancellationToken ct);

    /// <summary>
    /// Stores the result, updates the school-round summaries and marks the submission scored, atomically.
    /// Returns false when the result already existed (a duplicate delivery): nothing changes. A result of a pupil
    /// who opted out meanwhile is kept but not counted in the summaries (R9). With <paramref name="pupilVersion"/>
    /// the transaction also proves the pupil unchanged since that version; if not (an opt-out, say, between the
    /// read and the write), nothing is written and <see cref="PupilChangedException"/> is thrown.
    /// </summary>
    Task<bool> AddAsync(AssessmentResult result, bool counted, string? pupilVersion, CancellationToken ct);

    /// <summary>
    /// Takes a pupil's results out of (or back into) the cohort summaries when they opt out (or in) (R9).
    /// Idempotent: each result records whether it is counted, and changes with its summaries in one transaction.
    /// </summary>
    Task SetCountedAsync(string schoolId, string pupilId, bool counted, CancellationToken ct);

    Task<CohortSummary?> SummaryAsync(string schoolId, AcademicRound round, string modelVersion, CohortScope scope, CancellationToken ct);

    /// <summary>Results of a round for one model version (for the priority list).</summary>
    Task<IReadOnlyList<AssessmentResult>> ForRoundAsync(string schoolId, AcademicRound round, string modelVersion, CancellationToken ct);

    /// <summary>The newest model version that has results in the round, or null.</summary>
    Task<string?> LatestModelVersionAsync(string schoolId, AcademicRound round, CancellationToken ct);
}

public interface INotificationFeed
{
    /// <summary>Idempotent by notification id.</summary>
    Task AddAsync(Notification notification, CancellationToken ct);

    Task<IReadOnlyList<Notification>> ListAsync(string schoolId, int max, CancellationToken ct);
}

public interface IMessageQueue
{
    Task SendScoringAsync(ScoringMessage message, CancellationToken ct);

    Task SendAlertAsync(AlertMessage message, CancellationToken ct);
}

/// <summary>Counts failed attempts per key (a keyed hash of the client address) in fixed windows.</summary>
public interface IRateLimiter
{
    /// <summary>Cheap on the success path: it may answer from what this instance has already learned.</summary>
    Task<bool> IsLimitedAsync(string key, CancellationToken ct);

    /// <summary>Counts a failure; returns true when the key is now over its limit.</summary>
    Task<bool> RecordFailureAsync(string key, CancellationToken ct);
}
