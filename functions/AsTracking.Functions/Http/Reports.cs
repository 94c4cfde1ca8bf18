using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Http.Views;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http;

/// <summary>Reports for trained staff (R2, R12): each carries the advisory notice and the model version.</summary>
public sealed class Reports(ApiEndpoint api, ReportService reports)
{
    [Function(nameof(GetPupilReport))]
    public Task<IActionResult> GetPupilReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/pupils/{pupilId}/report")] HttpRequest req,
        string schoolId, string pupilId, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Ok(PupilReportView.From(await reports.PupilAsync(caller, schoolId, pupilId, ct))));

    [Function(nameof(GetCohort))]
    public Task<IActionResult> GetCohort(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/cohort")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Ok(CohortView.From(await reports.CohortAsync(caller, schoolId,
            req.Query["academicYear"], req.Query["round"], req.Query["yearGroup"], req.Query["tutorGroup"], ct))));

    [Function(nameof(GetPriority))]
    public Task<IActionResult> GetPriority(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/priority")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Ok(PriorityView.From(await reports.PriorityAsync(caller, schoolId,
            req.Query["academicYear"], req.Query["round"], ct))));

    [Function(nameof(GetNotifications))]
    public Task<IActionResult> GetNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schools/{schoolId}/notifications")] HttpRequest req, string schoolId, CancellationToken ct) =>
        api.RunAsync(req, async caller => ApiResults.Ok((await reports.NotificationsAsync(caller, schoolId, ct)).Select(NotificationView.From).ToList()));
}
