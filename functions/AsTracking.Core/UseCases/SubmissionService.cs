using AsTracking.Core.Assessments;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Core.Schools;

namespace AsTracking.Core.UseCases;

public sealed record SubmissionAccepted(string SubmissionId);

/// <summary>
/// Anonymous, code-based intake (R8). The success path is a fixed handful of storage round trips: the code's
/// keyed hash, the pupil's state, one claim transaction, the raw blob and the scoring message. Unknown, expired and
/// closed codes all answer the same 403, and failures count against the client's address.
/// </summary>
public sealed class SubmissionService(
    ISessionStore sessions,
    ISubmissionStore submissions,
    IRollStore roll,
    SchoolDirectory schools,
    IMessageQueue queue,
    IRateLimiter limiter,
    IPseudonymizer keys,
    TimeProvider clock)
{
    public async Task<SubmissionAccepted> SubmitAsync(ReadOnlyMemory<byte> body, string clientAddress, CancellationToken ct)
    {
        var input = SubmissionParser.Parse(body.Span);
        var clientKey = await keys.GlobalKeyAsync("client", clientAddress, ct).ConfigureAwait(false);
        if (await limiter.IsLimitedAsync(clientKey, ct).ConfigureAwait(false)) throw new RateLimitedException();

        var normalised = AssessmentCodes.Normalise(input.Code);
        var code = normalised is null ? null
            : await sessions.FindCodeAsync(await keys.GlobalKeyAsync("code", normalised, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (code is null || code.ClosesAt <= now)
        {
            var limited = await limiter.RecordFailureAsync(clientKey, ct).ConfigureAwait(false);
            throw limited ? new RateLimitedException() : CodeInvalid();
        }

        var school = await schools.GetAsync(code.SchoolId, ct).ConfigureAwait(false);
        if (school is null) throw CodeInvalid();
        if (school.Status == SchoolStatus.Suspended) throw new ForbiddenException(ErrorCodes.SchoolSuspended, "The school is suspended and cannot take submissions (R1).");
        var pupil = await roll.GetStateAsync(code.SchoolId, code.PupilId, ct).ConfigureAwait(false) ?? throw CodeInvalid();
        // R9: an opt-out recorded after the code was issued wins.
        if (pupil.OptedOut) throw new ConflictException(ErrorCodes.PupilOptedOut, "The pupil has opted out; nothing was stored (R9).");
        if (pupil.Status != PupilStatus.OnRoll) throw new UnprocessableException(ErrorCodes.PupilNotOnRoll, "The pupil is not on the school's roll (R6).");

        var record = new SubmissionRecord(code.SchoolId, Ids.NewOpaqueId(IdKinds.Submission), code.PupilId, code.SessionId, code.Round, now, SubmissionStatus.Received);
        var claim = await submissions.ClaimAsync(record, code.CodeKey, input.PayloadHash(), ct).ConfigureAwait(false);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Claimed:
                break;
            case ClaimOutcome.SamePayload:
                // An identical retry: same answer, and finish whatever the first attempt may not have (R8).
                record = claim.Holder!;
                break;
            case ClaimOutcome.OtherPayload:
                throw new ConflictException(ErrorCodes.CodeUsed, "This code has already been used for a different submission.");
            default:
                throw new ConflictException(ErrorCodes.CodeUsed, "The pupil has already been assessed in this round.");
        }

        var raw = new RawSubmission(record.SubmissionId, input.OutOfSchool, input.InSchool, input.StartedAt, input.CompletedAt, input.Accommodations);
        await submissions.SaveRawAsync(record, raw, ct).ConfigureAwait(false);
        await queue.SendScoringAsync(new ScoringMessage(record.SchoolId, record.SubmissionId), ct).ConfigureAwait(false);
        return new SubmissionAccepted(record.SubmissionId);
    }

    private static ForbiddenException CodeInvalid() =>
        new(ErrorCodes.CodeInvalid, "The code is not valid. Ask the member of staff supervising the session.");
}

/// <summary>
/// School profiles for the anonymous intake path, cached briefly so a busy session does not read the same profile
/// for every pupil. A suspension takes effect within the cache lifetime.
/// </summary>
public sealed class SchoolDirectory(ISchoolStore schools, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (School? School, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<School?> GetAsync(string schoolId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(schoolId, out var hit) && hit.Until > now) return hit.School;
        var school = await schools.GetAsync(schoolId, ct).ConfigureAwait(false);
        _cache[schoolId] = (school, now + Lifetime);
        return school;
    }
}
