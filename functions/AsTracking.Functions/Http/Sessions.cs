using AsTracking.Core.Contracts;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>Supervised sessions (R7). Codes appear in this response and nowhere else.</summary>
public sealed class Sessions(ApiEndpoint api, SessionService sessions)
{
    [Function(nameof(OpenSession))]
    public Task<IActionResult> OpenSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "schools/{schoolId}/sessions")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var body = await api.ReadJsonAsync<SessionRequest>(req, ct);
            return ApiResults.Created(SessionView.From(await sessions.OpenAsync(caller, schoolId, body, ct)));
        });
}
