using AsTracking.Core.Assessments;
using AsTracking.Core.Audit;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Core.Scoring;

namespace AsTracking.Core.UseCases;

/// <summary>Where scoring models come from: the embedded default, or newer versions published to storage (R10).</summary>
public interface IScoringModels
{
    ValueTask<ScoringModel> CurrentAsync(CancellationToken ct);
}

/// <summary>
/// Scores one submission off the request path (R10-R11). Safe under duplicate delivery and crash-restart: the
/// result, the cohort summaries and the submission's status change in one transaction that fails if the result
/// exists; the audit records are appended once per submission and model version, by whichever delivery gets there
/// first; and the alert is keyed by submission so the feed holds it once.
/// </summary>
public sealed class ScoringService(
    ISubmissionStore submissions,
    IResultStore results,
    IRollStore roll,
    IMessageQueue queue,
    IScoringModels models,
    IAuditTrail audit,
    TimeProvider clock)
{
    public const string Actor = "system/scoring";
    private const int MaxPupilAttempts = 5;

    public async Task ScoreAsync(ScoringMessage message, CancellationToken ct)
    {
        var submission = message.Ref ?? throw new InvalidDataException("The scoring message does not name a school, round, pupil and submission.");
        var model = await models.CurrentAsync(ct).ConfigureAwait(false);
        var modelVersion = $"{model.Id}@{model.Version}";
        // Independent point reads, all sent together: the message names the pupil and round. The record comes with the
        // pupil's groups and consent from the same entity: nothing identifying is opened.
        var storedRead = submissions.GetWithRawAsync(submission, ct);
        var existingRead = results.GetAsync(submission.SchoolId, submission.PupilId, submission.Round, modelVersion, ct);
        var previousRead = results.PreviousPolarAsync(submission.SchoolId, submission.PupilId, submission.Round, modelVersion, ct);
        await Task.WhenAll(storedRead, existingRead, previousRead).ConfigureAwait(false);
        var stored = await storedRead.ConfigureAwait(false)
            ?? throw new InvalidDataException("The scoring message names an unknown submission.");
        var record = stored.Record;
        var existing = await existingRead.ConfigureAwait(false);
        if (existing is null)
        {
            var raw = await stored.OpenRawAsync(ct).ConfigureAwait(false)
                ?? throw new InvalidDataException("The submission's raw answers are no longer stored.");
            PupilState? pupil = stored.Pupil; // read with the record, from the pupil's entity
            // Trend flags use the pupil's previous scored rounds under the same model, newest first.
            var previous = (await previousRead.ConfigureAwait(false)).ToArray();
            var scoring = model.Compile().Score(raw.OutOfSchool.ToArray(), raw.InSchool.ToArray(), previous);
            for (int attempt = 1; ; attempt++)
            {
                if (pupil is null) throw new InvalidDataException("The submission's pupil is no longer on record.");
                existing = new AssessmentResult(record.SchoolId, record.PupilId, record.SubmissionId, record.Round, clock.GetUtcNow(),
                    pupil.YearGroup, pupil.TutorGroup, scoring);
                try
                {
                    // False: a concurrent delivery stored the same result first (same answers, model and history).
                    // The pupil's version guards the counting: an opt-out after the read sends us round again (R9).
                    await results.AddAsync(existing, counted: !pupil.OptedOut, pupil.Version, ct).ConfigureAwait(false);
                    break;
                }
                catch (PupilChangedException) when (attempt < MaxPupilAttempts)
                {
                    pupil = await roll.GetStateAsync(record.SchoolId, record.PupilId, ct).ConfigureAwait(false);
                }
            }
        }

        // Both go again on every delivery, so a crash after the result committed loses neither (R18): the audit
        // append is keyed by submission and model version, and the alert is idempotent in the feed.
        var audited = audit.AppendOnceAsync($"assessment|{record.SubmissionId}|{modelVersion}",
        [
            new AuditRecord(record.SchoolId, "pupil/assessment-code", "assessment.submit", record.PupilId, $"success:{record.SubmissionId}"),
            new AuditRecord(record.SchoolId, Actor, "assessment.score", record.PupilId, $"success:{modelVersion}:{existing.Scoring.Priority.ToName()}"),
        ], ct);
        var alerted = existing.Scoring.Priority is PriorityLevel.Monitor or PriorityLevel.Priority
            ? queue.SendAlertAsync(new AlertMessage(existing.SchoolId, existing.PupilId, existing.SubmissionId,
                existing.Scoring.Priority.ToName(), existing.Round.AcademicYear, existing.Round.Round), ct)
            : Task.CompletedTask;
        await Task.WhenAll(audited, alerted).ConfigureAwait(false);
    }

    /// <summary>Called by the queue function on the last delivery attempt, so the submission says it failed.</summary>
    public Task MarkFailedAsync(ScoringMessage? message, string reason, CancellationToken ct) =>
        message?.Ref is { } submission ? submissions.MarkFailedAsync(submission, reason, ct) : Task.CompletedTask;
}

/// <summary>Writes pastoral alerts to the school's notification feed, once per submission.</summary>
public sealed class AlertService(INotificationFeed feed, TimeProvider clock)
{
    public Task RaiseAsync(AlertMessage message, CancellationToken ct)
    {
        if (!Ids.IsValidSchoolId(message.SchoolId) || !Ids.IsOpaqueId(message.SubmissionId, IdKinds.Submission) || !Ids.IsOpaqueId(message.PupilId, IdKinds.Pupil))
        {
            throw new InvalidDataException("The alert message does not name a school, pupil and submission.");
        }
        return feed.AddAsync(new Notification(message.SchoolId, $"alert-{message.SubmissionId}", "priority-pupil", clock.GetUtcNow(),
            message.PupilId, message.Priority, message.AcademicYear, message.Round), ct);
    }
}
