using AsTracking.Core.Assessments;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Core.Schools;

namespace AsTracking.Core.UseCases;

public sealed record SubmissionAccepted(string SubmissionId);

/// <summary>
/// Anonymous, code-based intake (R8). The success path is four storage round trips: the code's keyed hash, one
/// conditional claim (which also proves the pupil unchanged since the code was issued), the raw blob and the
/// scoring message. Unknown, expired and closed codes all answer the same 403, and failures count against the
/// client's address.
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
    private const int MaxClaimAttempts = 3;

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
        var record = new SubmissionRecord(code.SchoolId, Ids.NewOpaqueId(IdKinds.Submission), code.PupilId, code.SessionId, code.Round, now, SubmissionStatus.Received);
        var claim = await ClaimAsync(record, code, input.PayloadHash(), ct).ConfigureAwait(false);
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
        await queue.SendScoringAsync(ScoringMessage.For(record), ct).ConfigureAwait(false);
        return new SubmissionAccepted(record.SubmissionId);
    }

    /// <summary>
    /// Claims the code on the pupil's version at issue, so the usual path never reads the pupil. Only a refused
    /// claim reads the pupil's state: an opt-out or a roll change since issue wins over everything else (R6, R9),
    /// and a pupil changed in some other way (a new tutor group, say) is claimed again at its current version.
    /// </summary>
    private async Task<ClaimResult> ClaimAsync(SubmissionRecord record, AssessmentCode code, string payloadHash, CancellationToken ct)
    {
        // Codes issued before versions were kept start from the pupil's current state.
        var version = code.PupilVersion ?? (await EligibleStateAsync(code, ct).ConfigureAwait(false)).Version ?? string.Empty;
        for (int attempt = 0; ; attempt++)
        {
            var claim = await submissions.ClaimAsync(record, code.CodeKey, payloadHash, version, ct).ConfigureAwait(false);
            if (claim.Outcome == ClaimOutcome.Claimed) return claim;
            var pupil = await EligibleStateAsync(code, ct).ConfigureAwait(false);
            if (claim.Outcome != ClaimOutcome.PupilChanged) return claim;
            if (attempt == MaxClaimAttempts - 1) throw new ConflictException(detail: "The pupil's record kept changing; try again.");
            version = pupil.Version ?? string.Empty;
        }
    }

    private async Task<PupilState> EligibleStateAsync(AssessmentCode code, CancellationToken ct)
    {
        var pupil = await roll.GetStateAsync(code.SchoolId, code.PupilId, ct).ConfigureAwait(false) ?? throw CodeInvalid();
        // R9: an opt-out recorded after the code was issued wins.
        if (pupil.OptedOut) throw new ConflictException(ErrorCodes.PupilOptedOut, "The pupil has opted out; the submission is not accepted (R9).");
        if (pupil.Status != PupilStatus.OnRoll) throw new UnprocessableException(ErrorCodes.PupilNotOnRoll, "The pupil is not on the school's roll (R6).");
        return pupil;
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
