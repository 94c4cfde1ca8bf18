using AsTracking.Core.Contracts;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>Opt-out and opt-in with full history (R9).</summary>
public sealed class Consent(ApiEndpoint api, ConsentService consent)
{
    [Function(nameof(RecordConsent))]
    public Task<IActionResult> RecordConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "schools/{schoolId}/pupils/{pupilId}/consent")] HttpRequest req,
        string schoolId, string pupilId, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var body = await api.ReadJsonAsync<ConsentRequest>(req, ct);
            return ApiResults.Ok(ConsentView.From(await consent.RecordAsync(caller, schoolId, pupilId, body, ct)));
        });

    [Function(nameof(GetConsent))]
    public Task<IActionResult> GetConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/pupils/{pupilId}/consent")] HttpRequest req,
        string schoolId, string pupilId, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Ok(ConsentView.From(await consent.HistoryAsync(caller, schoolId, pupilId, ct))));
}
