using AsTracking.Core.Access;
using AsTracking.Core.Contracts;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>The staff registry (R2-R4).</summary>
public sealed class Staff(ApiEndpoint api, StaffService staff, TrainingPolicy training)
{
    [Function(nameof(PutStaff))]
    public Task<IActionResult> PutStaff(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "schools/{schoolId}/staff/{oid}")] HttpRequest req,
        string schoolId, string oid, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var body = await api.ReadJsonAsync<StaffRequest>(req, ct);
            var (member, created) = await staff.PutAsync(caller, schoolId, oid, body, ct);
            var view = StaffView.From(member, training);
            return created ? ApiResults.Created(view) : ApiResults.Ok(view);
        });

    [Function(nameof(GetMe))]
    public Task<IActionResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest req, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Ok(Views.MeView.From(await staff.MeAsync(caller, ct), training)));
}
