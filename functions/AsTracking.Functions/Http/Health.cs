using AsTracking.Core.Ports;
using AsTracking.Functions.Http.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>Anonymous liveness: 200 when storage is reachable, 503 otherwise. It reveals nothing else.</summary>
public sealed class Health(ApiEndpoint api, IHealthProbe probe)
{
    [Function(nameof(Health))]
    [AnonymousFunction]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        api.RunAnonymousAsync(req, async () => await probe.IsHealthyAsync(ct)
            ? ApiResults.Ok(new { status = "healthy" })
            : ApiResults.Status(new { status = "unhealthy" }, StatusCodes.Status503ServiceUnavailable));
}
