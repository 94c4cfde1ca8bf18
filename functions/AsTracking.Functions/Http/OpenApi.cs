using System.Text.Json.Nodes;
using AsTracking.Functions.Http.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>The published contract, generated from the functions that serve it.</summary>
public sealed class OpenApi(ApiEndpoint api)
{
    private static readonly Lazy<JsonObject> Document = new(() => OpenApiDocument.Build(typeof(OpenApi).Assembly));

    [Function(nameof(OpenApi))]
    [AnonymousFunction]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req) =>
        api.RunAnonymousAsync(req, () => Task.FromResult<IActionResult>(ApiResults.Ok(Document.Value)));
}
