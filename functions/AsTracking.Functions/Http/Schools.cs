using AsTracking.Core.Contracts;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>User schools (R1).</summary>
public sealed class Schools(ApiEndpoint api, SchoolService schools)
{
    [Function(nameof(PutSchool))]
    public Task<IActionResult> PutSchool(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "schools/{schoolId}")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var body = await api.ReadJsonAsync<SchoolRequest>(req, ct);
            var (school, created) = await schools.PutAsync(caller, schoolId, body, ct);
            return created ? ApiResults.Created(SchoolView.From(school)) : ApiResults.Ok(SchoolView.From(school));
        });

    [Function(nameof(GetSchool))]
    public Task<IActionResult> GetSchool(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Ok(SchoolView.From(await schools.GetAsync(caller, schoolId, ct))));
}
