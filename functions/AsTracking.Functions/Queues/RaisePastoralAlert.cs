using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Queues;

/// <summary>Writes pastoral-alerts to the school's notification feed, once per submission.</summary>
public sealed class RaisePastoralAlert(AlertService alerts)
{
    [Function(nameof(RaisePastoralAlert))]
    public Task Run([QueueTrigger("pastoral-alerts")] string message, CancellationToken ct) =>
        alerts.RaiseAsync(JsonSerializer.Deserialize<AlertMessage>(message, ApiJson.Options) ?? throw new InvalidDataException("Empty alert message."), ct);
}
