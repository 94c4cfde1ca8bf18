using System.Collections.Concurrent;
using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Storage.Tables;
using Azure.Storage.Queues;

namespace AsTracking.Storage.Assessments;

/// <summary>Sends JSON messages (ids only) to the contract's queues; the client encodes them as Base64 for the host.</summary>
public sealed class StorageMessageQueue(QueueServiceClient queues) : IMessageQueue
{
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _clients = new(StringComparer.Ordinal);

    public Task SendScoringAsync(ScoringMessage message, CancellationToken ct) => SendAsync(StorageNames.ScoringQueue, message, ct);

    public Task SendAlertAsync(AlertMessage message, CancellationToken ct) => SendAsync(StorageNames.AlertsQueue, message, ct);

    private async Task SendAsync<T>(string queueName, T message, CancellationToken ct)
    {
        var client = await _clients.GetOrAdd(queueName, name => new Lazy<Task<QueueClient>>(async () =>
        {
            var q = queues.GetQueueClient(name);
            await q.CreateIfNotExistsAsync().ConfigureAwait(false);
            return q;
        })).Value.ConfigureAwait(false);
        await client.SendMessageAsync(JsonSerializer.Serialize(message, StorageJson.Options), ct).ConfigureAwait(false);
    }
}
