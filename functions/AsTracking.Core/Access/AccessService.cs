using AsTracking.Core.Audit;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Staff;

namespace AsTracking.Core.Access;

/// <summary>
/// The one place that turns (caller, school, capability) into a grant or a typed refusal.
/// Unknown schools and schools the caller is not staff of answer the same 404 (R5).
/// </summary>
public sealed class AccessService(
    ISchoolStore schools,
    IStaffStore staff,
    TrainingPolicy training,
    IAuditTrail audit,
    TimeProvider clock)
{
    public async Task<AccessGrant> AuthorizeAsync(Caller caller, string schoolId, Capability capability, CancellationToken ct)
    {
        Ids.RequireSchoolId(schoolId);
        var school = await schools.GetAsync(schoolId, ct).ConfigureAwait(false) ?? throw new NotFoundException();

        if (caller.IsPlatformAdmin && AccessPolicy.PlatformAdminMay(capability))
        {
            return new AccessGrant(school, caller, null, null);
        }

        var member = await staff.GetAsync(schoolId, caller.TenantId, caller.ObjectId, ct).ConfigureAwait(false);
        if (member is null)
        {
            if (!caller.IsPlatformAdmin) throw new NotFoundException();
            // Platform admins know every school exists, so they get an honest 403, recorded in the school's trail.
            await audit.AppendAsync(new AuditRecord(schoolId, caller.Actor, $"access.{capability}", null, $"denied:{ErrorCodes.Forbidden}"), ct)
                .ConfigureAwait(false);
            throw new ForbiddenException(detail: "Platform admins do not read pupil data (R3).");
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var untrained = false;
        foreach (var rule in AccessPolicy.RulesFor(capability))
        {
            if (!member.Has(rule.Role)) continue;
            var trained = rule.Training switch
            {
                AccessPolicy.Training.Practitioner => training.PractitionerTrained(member, today),
                AccessPolicy.Training.Tutor => training.TutorTrained(member, today),
                _ => true,
            };
            if (!trained)
            {
                untrained = true;
                continue;
            }
            return new AccessGrant(school, caller, member,
                rule.Scope == AccessPolicy.Scope.OwnTutorGroups ? member.TutorGroups : null);
        }

        var code = untrained ? ErrorCodes.TrainingRequired : ErrorCodes.Forbidden;
        // A refused attempt by the school's own staff belongs in its trail (R18); it names no pupil.
        await audit.AppendAsync(new AuditRecord(schoolId, caller.Actor, $"access.{capability}", null, $"denied:{code}"), ct)
            .ConfigureAwait(false);
        throw untrained
            ? new ForbiddenException(ErrorCodes.TrainingRequired, "Valid training is required for this data (R2).")
            : new ForbiddenException();
    }
}
