using AsTracking.Core.Access;
using AsTracking.Core.Assessments;
using AsTracking.Core.Audit;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;

namespace AsTracking.Core.UseCases;

public sealed record OpenedSession(AssessmentSession Session, IReadOnlyList<IssuedCode> Codes, IReadOnlyList<SessionSkip> Skipped);

/// <summary>Supervised sessions (R7): one single-use code per eligible pupil, shown once.</summary>
public sealed class SessionService(ISessionStore sessions, IRollStore roll, IPseudonymizer keys, AccessService access, IAuditTrail audit, TimeProvider clock)
{
    public static readonly TimeSpan MaxOpen = TimeSpan.FromDays(7);
    public const int MaxPupils = 2000;

    public async Task<OpenedSession> OpenAsync(Caller caller, string schoolId, SessionRequest? body, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validation();
        if (body is null) v.Add("body", "A JSON body is required.").ThrowIfInvalid();
        var round = AcademicRound.Validate(body!.AcademicYear, body.Round, v);
        var closesAt = v.Required(body.ClosesAt, "closesAt");
        if (closesAt is { } c && (c <= now || c > now + MaxOpen)) v.Add("closesAt", "closesAt must be in the future and at most 7 days ahead.");
        if (body.YearGroup is < RollRowValidator.MinYearGroup or > RollRowValidator.MaxYearGroup) v.Add("yearGroup", "yearGroup must be 3-13.");
        var tutorGroup = v.Text(body.TutorGroup, "tutorGroup", RollRowValidator.MaxGroupLength, required: false);
        if (body.PupilIds is { Count: > MaxPupils }) v.Add("pupilIds", $"At most {MaxPupils} pupils per session.");
        v.ThrowIfInvalid();

        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.OpenSessions, ct).ConfigureAwait(false);
        if (!grant.School.IsActive) throw new ForbiddenException(ErrorCodes.SchoolSuspended, "The school is suspended and cannot open sessions (R1).");
        if (tutorGroup is not null && !grant.CoversTutorGroup(tutorGroup)) throw new ForbiddenException(detail: "Tutors open sessions only for their own groups (R7).");

        // Eligibility needs groups, status and consent only: no pupil's identity is opened to open a session.
        var pupils = await roll.ListStatesAsync(grant.SchoolId, ct).ConfigureAwait(false);
        var candidates = Select(grant, pupils, body.PupilIds, body.YearGroup, tutorGroup);
        var assessed = await sessions.AssessedPupilsAsync(grant.SchoolId, round!.Value, ct).ConfigureAwait(false);

        var sessionId = Ids.NewOpaqueId(IdKinds.Session);
        var codes = new List<IssuedCode>();
        var skipped = new List<SessionSkip>();
        foreach (var pupil in candidates)
        {
            SkipReason? reason = pupil.Status != PupilStatus.OnRoll ? SkipReason.NotOnRoll
                : pupil.OptedOut ? SkipReason.OptedOut
                : assessed.Contains(pupil.PupilId) ? SkipReason.AlreadyAssessed
                : null;
            if (reason is { } r)
            {
                skipped.Add(new SessionSkip(pupil.PupilId, r));
                continue;
            }
            var code = AssessmentCodes.New();
            var key = await keys.GlobalKeyAsync("code", AssessmentCodes.Normalise(code)!, ct).ConfigureAwait(false);
            codes.Add(new IssuedCode(pupil.PupilId, code, key, pupil.Version));
        }

        var session = new AssessmentSession(grant.SchoolId, sessionId, round.Value, now, closesAt!.Value, caller.Actor, codes.Count);
        await sessions.CreateAsync(session, codes, ct).ConfigureAwait(false);
        var records = codes.Select(c => new AuditRecord(grant.SchoolId, caller.Actor, "session.code-issued", c.PupilId, "success")).ToList();
        records.Add(new AuditRecord(grant.SchoolId, caller.Actor, "session.open", null, $"success:codes={codes.Count},skipped={skipped.Count}"));
        await audit.AppendManyAsync(records, ct).ConfigureAwait(false);
        return new OpenedSession(session, codes, skipped);
    }

    private static List<PupilState> Select(AccessGrant grant, IReadOnlyList<PupilState> pupils, List<string>? pupilIds, int? yearGroup, string? tutorGroup)
    {
        if (pupilIds is { Count: > 0 })
        {
            var byId = pupils.ToDictionary(p => p.PupilId, StringComparer.Ordinal);
            var chosen = new List<PupilState>();
            foreach (var id in pupilIds.Distinct(StringComparer.Ordinal))
            {
                // Another school's pupil, or no pupil at all: the same 404, and no code is issued to anyone (R5, R6).
                if (!Ids.IsOpaqueId(id, IdKinds.Pupil) || !byId.TryGetValue(id, out var pupil)) throw new NotFoundException();
                if (!grant.CoversTutorGroup(pupil.TutorGroup)) throw new ForbiddenException(detail: "Tutors open sessions only for their own groups (R7).");
                chosen.Add(pupil);
            }
            return chosen;
        }
        return pupils
            .Where(p => p.Status == PupilStatus.OnRoll)
            .Where(p => grant.CoversTutorGroup(p.TutorGroup))
            .Where(p => yearGroup is null || p.YearGroup == yearGroup)
            .Where(p => tutorGroup is null || string.Equals(p.TutorGroup, tutorGroup, StringComparison.OrdinalIgnoreCase))
            .ToList();
    }
}
