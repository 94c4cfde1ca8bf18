using AsTracking.Core.Access;
using AsTracking.Core.Assessments;
using AsTracking.Core.Audit;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;
using AsTracking.Core.Scoring;

namespace AsTracking.Core.UseCases;

public sealed record PupilReport(Pupil Pupil, string ModelVersion, IReadOnlyList<AssessmentResult> Rounds);

public sealed record CohortReport(AcademicRound Round, string ModelVersion, CohortSummary Summary);

public sealed record PriorityEntry(Pupil Pupil, AssessmentResult Result);

public sealed record PriorityReport(AcademicRound Round, string ModelVersion, IReadOnlyList<PriorityEntry> Pupils);

/// <summary>
/// Reports for trained staff (R2, R12). Every answer carries the advisory notice and the model version; opted-out
/// pupils are absent everywhere (R9); every read is audited (R18).
/// </summary>
public sealed class ReportService(IResultStore results, IRollStore roll, INotificationFeed feed, IScoringModels models, AccessService access, IAuditTrail audit)
{
    public const string Advisory =
        "AS Tracking data is an additional, advisory measure that informs pastoral judgement. It is not a sole or infallible indicator of any pupil's mental health risk.";

    public async Task<PupilReport> PupilAsync(Caller caller, string schoolId, string pupilId, CancellationToken ct)
    {
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadPupilReports, ct).ConfigureAwait(false);
        Ids.RequireOpaqueId(pupilId, IdKinds.Pupil);
        var pupil = await roll.GetAsync(grant.SchoolId, pupilId, ct).ConfigureAwait(false);
        if (pupil is null || pupil.OptedOut) throw new NotFoundException();
        if (!grant.CoversTutorGroup(pupil.TutorGroup)) throw new ForbiddenException(detail: "Tutors see reports for their own tutor groups only (R2).");
        var all = await results.ForPupilAsync(grant.SchoolId, pupilId, ct).ConfigureAwait(false);
        var current = await CurrentVersionAsync(ct).ConfigureAwait(false);
        // One result per round: the current model's where it exists, else the newest scored (R10).
        var rounds = all.GroupBy(r => r.Round.Key, StringComparer.Ordinal)
            .Select(g => g.FirstOrDefault(r => r.ModelVersion == current) ?? g.OrderByDescending(r => r.ScoredAt).First())
            .OrderBy(r => r.Round.Key, StringComparer.Ordinal)
            .ToList();
        var version = rounds.Count == 0 ? current : rounds[^1].ModelVersion;
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, "report.read", pupilId, "success"), ct).ConfigureAwait(false);
        return new PupilReport(pupil, version, rounds);
    }

    public async Task<CohortReport> CohortAsync(Caller caller, string schoolId, string? academicYear, string? round, string? yearGroup, string? tutorGroup, CancellationToken ct)
    {
        var v = new Validation();
        var r = AcademicRound.Validate(academicYear, ParseInt(round, "round", v), v);
        var year = ParseInt(yearGroup, "yearGroup", v);
        if (year is < RollRowValidator.MinYearGroup or > RollRowValidator.MaxYearGroup) v.Add("yearGroup", "yearGroup must be 3-13.");
        var tutor = v.Text(tutorGroup, "tutorGroup", RollRowValidator.MaxGroupLength, required: false);
        v.ThrowIfInvalid();
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadCohort, ct).ConfigureAwait(false);
        var version = await results.LatestModelVersionAsync(grant.SchoolId, r!.Value, ct).ConfigureAwait(false) ?? await CurrentVersionAsync(ct).ConfigureAwait(false);
        var summary = await results.SummaryAsync(grant.SchoolId, r.Value, version, CohortScope.For(year, tutor), ct).ConfigureAwait(false) ?? new CohortSummary();
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, "cohort.read", null, $"success:{r.Value.Key}"), ct).ConfigureAwait(false);
        return new CohortReport(r.Value, version, summary);
    }

    public async Task<PriorityReport> PriorityAsync(Caller caller, string schoolId, string? academicYear, string? round, CancellationToken ct)
    {
        var v = new Validation();
        var r = AcademicRound.Validate(academicYear, ParseInt(round, "round", v), v);
        v.ThrowIfInvalid();
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadCohort, ct).ConfigureAwait(false);
        var version = await results.LatestModelVersionAsync(grant.SchoolId, r!.Value, ct).ConfigureAwait(false) ?? await CurrentVersionAsync(ct).ConfigureAwait(false);
        var scored = await results.ForRoundAsync(grant.SchoolId, r.Value, version, ct).ConfigureAwait(false);
        var pupils = (await roll.ListAsync(grant.SchoolId, ct).ConfigureAwait(false)).Pupils.ToDictionary(p => p.PupilId, StringComparer.Ordinal);
        var entries = scored
            .Where(x => x.Scoring.Priority is PriorityLevel.Monitor or PriorityLevel.Priority)
            .Where(x => pupils.TryGetValue(x.PupilId, out var p) && !p.OptedOut)
            .Select(x => new PriorityEntry(pupils[x.PupilId], x))
            .OrderByDescending(e => e.Result.Scoring.SummedSeverity)
            .ThenBy(e => e.Pupil.Identity.FamilyName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        await audit.AppendManyAsync(
            [.. entries.Select(e => new AuditRecord(grant.SchoolId, caller.Actor, "priority.read", e.Pupil.PupilId, "success")),
             new AuditRecord(grant.SchoolId, caller.Actor, "priority.list", null, $"success:count={entries.Count}")], ct).ConfigureAwait(false);
        return new PriorityReport(r.Value, version, entries);
    }

    public async Task<IReadOnlyList<Notification>> NotificationsAsync(Caller caller, string schoolId, CancellationToken ct)
    {
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadNotifications, ct).ConfigureAwait(false);
        var items = await feed.ListAsync(grant.SchoolId, 200, ct).ConfigureAwait(false);
        var optedOut = (await roll.ListStatesAsync(grant.SchoolId, ct).ConfigureAwait(false)).Where(p => p.OptedOut).Select(p => p.PupilId).ToHashSet(StringComparer.Ordinal);
        var visible = items.Where(n => n.PupilId is null || !optedOut.Contains(n.PupilId)).ToList();
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, "notifications.read", null, $"success:count={visible.Count}"), ct).ConfigureAwait(false);
        return visible;
    }

    private async Task<string> CurrentVersionAsync(CancellationToken ct)
    {
        var model = await models.CurrentAsync(ct).ConfigureAwait(false);
        return $"{model.Id}@{model.Version}";
    }

    private static int? ParseInt(string? value, string field, Validation v)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
        v.Add(field, $"{field} must be a whole number.");
        return null;
    }
}
