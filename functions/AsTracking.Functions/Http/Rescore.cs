using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>Queues a school's submissions for scoring with the model now in force; old results are kept (R10).</summary>
public sealed class Rescore(ApiEndpoint api, RescoreService rescore)
{
    [Function(nameof(RescoreSchool))]
    public Task<IActionResult> RescoreSchool(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "schools/{schoolId}/rescore")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Accepted(new { queued = await rescore.RescoreAsync(caller, schoolId, ct) }));
}
