using System.Globalization;
using AsTracking.Core.Access;
using AsTracking.Core.Audit;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;

namespace AsTracking.Core.UseCases;

/// <summary>The school's audit trail for its DataProtectionOfficer (R18).</summary>
public sealed class AuditService(IAuditTrail audit, AccessService access)
{
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(Caller caller, string schoolId, string? pupilId, string? from, string? to, CancellationToken ct)
    {
        var fromTime = Instant(from, "from");
        var toTime = Instant(to, "to");
        if (fromTime > toTime) throw ValidationFailedException.For("from", "from must not be after to.");
        if (!string.IsNullOrEmpty(pupilId) && !Ids.IsOpaqueId(pupilId, IdKinds.Pupil))
        {
            throw ValidationFailedException.For("pupilId", "pupilId is not a pupil id.");
        }
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadAudit, ct).ConfigureAwait(false);
        var entries = await audit.ReadAsync(grant.SchoolId, string.IsNullOrEmpty(pupilId) ? null : pupilId, fromTime, toTime, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, "audit.read", string.IsNullOrEmpty(pupilId) ? null : pupilId, "success"), ct)
            .ConfigureAwait(false);
        return entries;
    }

    public async Task<AuditVerification> VerifyAsync(Caller caller, string schoolId, CancellationToken ct)
    {
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadAudit, ct).ConfigureAwait(false);
        var result = await audit.VerifyAsync(grant.SchoolId, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, "audit.verify", null, result.Valid ? "success:valid" : "success:broken"), ct)
            .ConfigureAwait(false);
        return result;
    }

    private static DateTimeOffset? Instant(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        throw ValidationFailedException.For(field, $"{field} must be an ISO 8601 date or timestamp.");
    }
}
