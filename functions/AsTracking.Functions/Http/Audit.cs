using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>The school's hash-chained audit trail (R18), for its DataProtectionOfficer.</summary>
public sealed class Audit(ApiEndpoint api, AuditService audit)
{
    [Function(nameof(ReadAudit))]
    public Task<IActionResult> ReadAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/audit")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var entries = await audit.ReadAsync(caller, schoolId, req.Query["pupilId"], req.Query["from"], req.Query["to"], ct);
            return ApiResults.Ok(entries.Select(AuditEntryView.From).ToList());
        });

    [Function(nameof(VerifyAudit))]
    public Task<IActionResult> VerifyAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/audit/verify")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var result = await audit.VerifyAsync(caller, schoolId, ct);
            return ApiResults.Ok(new AuditVerifyView(result.Entries, result.Valid, result.FirstBrokenAt));
        });
}
