using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>Anonymous, code-based submissions from the assessment front end (R8). Nothing about the pupil is returned.</summary>
public sealed class Assessments(ApiEndpoint api, SubmissionService submissions)
{
    [Function(nameof(SubmitAssessment))]
    [AnonymousFunction]
    public Task<IActionResult> SubmitAssessment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assessments")] HttpRequest req, CancellationToken ct) =>
        api.RunAnonymousAsync(req, async () =>
        {
            var body = await ApiEndpoint.ReadBytesAsync(req, ApiEndpoint.MaxJsonBytes, ct);
            var accepted = await submissions.SubmitAsync(body, ClientAddress(req), ct);
            return ApiResults.Accepted(new SubmissionView(accepted.SubmissionId, "received"));
        });

    /// <summary>The caller's address for rate limiting: the front door's X-Forwarded-For in Azure, else the socket.</summary>
    private static string ClientAddress(HttpRequest req)
    {
        var forwarded = req.Headers["X-Forwarded-For"].ToString();
        if (!string.IsNullOrWhiteSpace(forwarded))
        {
            var first = forwarded.Split(',')[0].Trim();
            // Azure appends the port to the client address ("1.2.3.4:5678"); the port changes per connection.
            var colon = first.LastIndexOf(':');
            return colon > 0 && first.IndexOf(':') == colon ? first[..colon] : first;
        }
        return req.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
