using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Queues;

/// <summary>
/// Scores submissions from assessment-scoring (R10-R11). A failure is retried by the host; on the last of the five
/// deliveries the submission is marked failed before the message moves to assessment-scoring-poison.
/// </summary>
public sealed partial class ScoreAssessment(ScoringService scoring, ILogger<ScoreAssessment> logger)
{
    public const int MaxDequeueCount = 5;

    [Function(nameof(ScoreAssessment))]
    public async Task Run([QueueTrigger("assessment-scoring")] QueueMessage message, CancellationToken ct)
    {
        ScoringMessage? parsed = null;
        try
        {
            parsed = JsonSerializer.Deserialize<ScoringMessage>(message.Body.ToString(), ApiJson.Options)
                ?? throw new InvalidDataException("Empty scoring message.");
            await scoring.ScoreAsync(parsed, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, message.MessageId, message.DequeueCount, ex.GetType().Name);
            if (message.DequeueCount >= MaxDequeueCount)
            {
                await scoring.MarkFailedAsync(parsed, $"scoring failed after {message.DequeueCount} attempts ({ex.GetType().Name})", ct);
            }
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scoring message {MessageId} failed on attempt {DequeueCount}: {ExceptionType}")]
    private static partial void LogFailed(ILogger logger, string messageId, long dequeueCount, string exceptionType);
}
