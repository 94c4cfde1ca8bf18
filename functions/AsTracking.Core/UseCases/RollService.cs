using System.Security.Cryptography;
using AsTracking.Core.Access;
using AsTracking.Core.Audit;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;

namespace AsTracking.Core.UseCases;

public enum RollFormat { Csv, Json }

/// <summary>Roll uploads and pupil lists. Uploads are planned in memory, then applied as one journaled unit.</summary>
public sealed class RollService(IRollStore roll, AccessService access, IAuditTrail audit, TimeProvider clock)
{
    private const int MaxPlanAttempts = 5;

    public async Task<RollResult> UploadAsync(Caller caller, string schoolId, RollFormat format, string? mode,
        ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var rollMode = mode?.Trim().ToLowerInvariant() switch
        {
            null or "" or "replace" => RollMode.Replace,
            "upsert" => RollMode.Upsert,
            _ => throw ValidationFailedException.For("mode", "mode must be replace or upsert."),
        };
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ManageRoll, ct).ConfigureAwait(false);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        var raw = format == RollFormat.Csv ? RollParser.ParseCsv(body.Span) : RollParser.ParseJson(body.Span);
        if (raw.Count == 0)
        {
            throw ValidationFailedException.For("body", "The upload has no rows; nothing was applied.");
        }
        var (valid, rejected) = RollRowValidator.Validate(raw, today);
        if (valid.Count == 0)
        {
            // Never apply an upload in which every row is bad: in replace mode it would mark the whole roll as left.
            throw new ValidationFailedException(
                rejected.Take(100).ToDictionary(r => $"rows[{r.Row}]", r => r.Errors.ToArray()),
                "No row of the upload is valid; nothing was applied.");
        }

        var contentHash = Convert.ToHexStringLower(SHA256.HashData(body.Span));
        RollChangeSet? plan = null;
        for (int attempt = 0; attempt < MaxPlanAttempts && plan is null; attempt++)
        {
            var snapshot = await roll.ListAsync(grant.SchoolId, ct).ConfigureAwait(false);
            var candidate = RollPlanner.Plan(grant.SchoolId, snapshot.Pupils, valid, rejected, rollMode, today,
                Ids.NewOpaqueId(IdKinds.RollImport), contentHash, () => Ids.NewOpaqueId(IdKinds.Pupil));
            // A concurrent import moved the roll on: plan again against the new roll rather than apply a stale plan.
            if (candidate.IsEmpty || await roll.ApplyAsync(candidate, snapshot.Version, ct).ConfigureAwait(false))
            {
                plan = candidate;
            }
        }
        if (plan is null) throw new ConflictException(detail: "The roll is being changed by another upload; try again.");

        var records = new List<AuditRecord>(plan.Added.Count + plan.Updated.Count + plan.Left.Count + 1);
        records.AddRange(plan.Added.Select(p => new AuditRecord(grant.SchoolId, caller.Actor, "roll.add", p.PupilId, "success")));
        records.AddRange(plan.Updated.Select(p => new AuditRecord(grant.SchoolId, caller.Actor, "roll.update", p.PupilId, "success")));
        records.AddRange(plan.Left.Select(p => new AuditRecord(grant.SchoolId, caller.Actor, "roll.leave", p.PupilId, "success")));
        records.Add(new AuditRecord(grant.SchoolId, caller.Actor, $"roll.upload.{rollMode.ToString().ToLowerInvariant()}", null,
            $"success:added={plan.Result.Added},updated={plan.Result.Updated},unchanged={plan.Result.Unchanged},left={plan.Result.Left},rejected={rejected.Count}"));
        await audit.AppendManyAsync(records, ct).ConfigureAwait(false);
        return plan.Result;
    }

    public async Task<IReadOnlyList<Pupil>> ListAsync(Caller caller, string schoolId, string? yearGroup, string? tutorGroup, CancellationToken ct)
    {
        int? year = null;
        if (!string.IsNullOrWhiteSpace(yearGroup))
        {
            year = int.TryParse(yearGroup, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y)
                && y is >= RollRowValidator.MinYearGroup and <= RollRowValidator.MaxYearGroup
                ? y
                : throw ValidationFailedException.For("yearGroup", "yearGroup must be 3-13.");
        }
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ListPupils, ct).ConfigureAwait(false);
        var snapshot = await roll.ListAsync(grant.SchoolId, ct).ConfigureAwait(false);
        var result = snapshot.Pupils
            .Where(p => grant.CoversTutorGroup(p.TutorGroup))
            .Where(p => year is null || p.YearGroup == year)
            .Where(p => string.IsNullOrWhiteSpace(tutorGroup) || string.Equals(p.TutorGroup, tutorGroup.Trim(), StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.YearGroup).ThenBy(p => p.TutorGroup, StringComparer.OrdinalIgnoreCase)
            .ThenBy(p => p.Identity.FamilyName, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Identity.GivenName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, "pupils.list", null, $"success:count={result.Count}"), ct)
            .ConfigureAwait(false);
        return result;
    }
}
