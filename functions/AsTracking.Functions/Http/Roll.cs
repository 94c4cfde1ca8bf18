using AsTracking.Core.Roll;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>Roll uploads (CSV or JSON) and the pupil list.</summary>
public sealed class Roll(ApiEndpoint api, RollService roll)
{
    [Function(nameof(PutRoll))]
    public Task<IActionResult> PutRoll(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "schools/{schoolId}/roll")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var body = await ApiEndpoint.ReadBytesAsync(req, RollParser.MaxBytes, ct);
            var format = IsCsv(req.ContentType, body) ? RollFormat.Csv : RollFormat.Json;
            var result = await roll.UploadAsync(caller, schoolId, format, req.Query["mode"], body, ct);
            return ApiResults.Ok(RollResultView.From(result));
        });

    [Function(nameof(ListPupils))]
    public Task<IActionResult> ListPupils(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/pupils")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller =>
        {
            var pupils = await roll.ListAsync(caller, schoolId, req.Query["yearGroup"], req.Query["tutorGroup"], ct);
            return ApiResults.Ok(pupils.Select(PupilView.From).ToList());
        });

    // text/csv is CSV and application/json is JSON; without either, a body that opens with '[' is JSON.
    private static bool IsCsv(string? contentType, byte[] body)
    {
        if (contentType is not null && contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase)) return true;
        if (contentType is not null && contentType.Contains("json", StringComparison.OrdinalIgnoreCase)) return false;
        var first = Array.FindIndex(body, b => b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'));
        return first < 0 || body[first] != (byte)'[';
    }
}
