using AsTracking.Core.Access;
using AsTracking.Core.Assessments;
using AsTracking.Core.Audit;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;

namespace AsTracking.Core.UseCases;

/// <summary>
/// Re-scores a school's submissions with the model now in force (R10). It only queues messages: the scoring
/// function adds a result under the new model version beside the old ones, which are kept.
/// </summary>
public sealed class RescoreService(ISubmissionStore submissions, IMessageQueue queue, ISchoolStore schools, IAuditTrail audit)
{
    public async Task<int> RescoreAsync(Caller caller, string schoolId, CancellationToken ct)
    {
        Ids.RequireSchoolId(schoolId);
        if (!caller.IsPlatformAdmin) throw new ForbiddenException(detail: "Platform admins publish models and re-score (R10).");
        _ = await schools.GetAsync(schoolId, ct).ConfigureAwait(false) ?? throw new NotFoundException();
        var queued = 0;
        await foreach (var record in submissions.ListAsync(schoolId, ct).ConfigureAwait(false))
        {
            if (record.Status == SubmissionStatus.Failed) continue;
            await queue.SendScoringAsync(ScoringMessage.For(record), ct).ConfigureAwait(false);
            queued++;
        }
        await audit.AppendAsync(new AuditRecord(schoolId, caller.Actor, "assessment.rescore", null, $"success:queued={queued}"), ct).ConfigureAwait(false);
        return queued;
    }
}
