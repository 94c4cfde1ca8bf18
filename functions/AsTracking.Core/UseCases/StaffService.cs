using AsTracking.Core.Access;
using AsTracking.Core.Audit;
using AsTracking.Core.Contracts;
using AsTracking.Core.Ports;
using AsTracking.Core.Schools;
using AsTracking.Core.Staff;

namespace AsTracking.Core.UseCases;

/// <summary>The staff registry (R2-R4): who holds which role and training at a school.</summary>
public sealed class StaffService(IStaffStore staff, ISchoolStore schools, AccessService access, IAuditTrail audit,
    TrainingPolicy training, TimeProvider clock)
{
    public const int MaxTutorGroups = 50;

    public async Task<(StaffMember Member, bool Created)> PutAsync(Caller caller, string schoolId, string objectId, StaffRequest? body, CancellationToken ct)
    {
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ManageStaff, ct).ConfigureAwait(false);
        var member = Validate(grant.SchoolId, objectId, body, clock.GetUtcNow());
        var created = await staff.UpsertAsync(member, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, created ? "staff.create" : "staff.update", null, "success"), ct)
            .ConfigureAwait(false);
        return (member, created);
    }

    /// <summary>GET /api/me: every school record of the caller, with training validity.</summary>
    public async Task<MeView> MeAsync(Caller caller, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var records = await staff.ListForIdentityAsync(caller.TenantId, caller.ObjectId, ct).ConfigureAwait(false);
        var views = new List<MeSchoolView>();
        foreach (var r in records.OrderBy(r => r.SchoolId, StringComparer.Ordinal))
        {
            var school = await schools.GetAsync(r.SchoolId, ct).ConfigureAwait(false);
            if (school is null) continue;
            views.Add(new MeSchoolView(school, r,
                Validity(r.Training, today, TrainingLevel.Practitioner),
                Validity(r.Training, today, TrainingLevel.Tutor, TrainingLevel.Practitioner)));
        }
        return new MeView(caller, views);
    }

    private TrainingValidity Validity(IReadOnlyList<TrainingRecord> records, DateOnly today, params TrainingLevel[] levels)
    {
        var until = training.ValidUntil(records, levels);
        return new TrainingValidity(training.IsValid(records, today, levels), until);
    }

    internal static StaffMember Validate(string schoolId, string objectId, StaffRequest? body, DateTimeOffset now)
    {
        var v = new Validation();
        if (!Ids.IsGuid(objectId)) v.Add("oid", "oid must be a GUID (the Entra object id).");
        if (body is null) v.Add("body", "A JSON body is required.").ThrowIfInvalid();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var tenant = v.Text(body!.TenantId, "tenantId", 36);
        if (tenant is not null && !Ids.IsGuid(tenant)) v.Add("tenantId", "tenantId must be a GUID.");
        var name = v.Text(body.DisplayName, "displayName", 200);
        if (body.Roles is null) v.Add("roles", "roles is required.");
        var roles = StaffRoles.None;
        foreach (var role in body.Roles ?? [])
        {
            roles |= role switch
            {
                StaffRoleName.SchoolAdmin => StaffRoles.SchoolAdmin,
                StaffRoleName.Practitioner => StaffRoles.Practitioner,
                StaffRoleName.Tutor => StaffRoles.Tutor,
                StaffRoleName.DataProtectionOfficer => StaffRoles.DataProtectionOfficer,
                _ => StaffRoles.None,
            };
        }
        var records = new List<TrainingRecord>();
        foreach (var (t, i) in (body.Training ?? []).Select((t, i) => (t, i)))
        {
            if (t is null) { v.Add($"training[{i}]", "A training entry is required."); continue; }
            var level = v.Required(t.Level, $"training[{i}].level");
            var on = v.Required(t.CompletedOn, $"training[{i}].completedOn");
            v.NotInFuture(on, today, $"training[{i}].completedOn");
            if (level is { } l && on is { } d) records.Add(new TrainingRecord(l, d));
        }
        var groups = new List<string>();
        foreach (var (g, i) in (body.TutorGroups ?? []).Select((g, i) => (g, i)))
        {
            if (v.Text(g, $"tutorGroups[{i}]", 40) is { } ok && !groups.Contains(ok, StringComparer.OrdinalIgnoreCase)) groups.Add(ok);
        }
        if (groups.Count > MaxTutorGroups) v.Add("tutorGroups", $"At most {MaxTutorGroups} tutor groups.");
        v.ThrowIfInvalid();
        return new StaffMember(schoolId, tenant!.ToLowerInvariant(), objectId.ToLowerInvariant(), name!, roles, records, groups, now);
    }
}

public sealed record TrainingValidity(bool Valid, DateOnly? ValidUntil);

public sealed record MeSchoolView(School School, StaffMember Member, TrainingValidity Practitioner, TrainingValidity Tutor);

public sealed record MeView(Caller Caller, IReadOnlyList<MeSchoolView> Schools);
