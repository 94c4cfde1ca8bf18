using AsTracking.Core.Ports;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace AsTracking.Storage.Tables;

/// <summary>Reachability of the three storage services, each with one cheap call and a short timeout.</summary>
public sealed class StorageHealthProbe(TableServiceClient tables, BlobServiceClient blobs, QueueServiceClient queues) : IHealthProbe
{
    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await Task.WhenAll(
                tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages().GetAsyncEnumerator(timeout.Token).MoveNextAsync().AsTask(),
                blobs.GetBlobContainersAsync(cancellationToken: timeout.Token).AsPages(pageSizeHint: 1).GetAsyncEnumerator(timeout.Token).MoveNextAsync().AsTask(),
                queues.GetQueuesAsync(cancellationToken: timeout.Token).AsPages(pageSizeHint: 1).GetAsyncEnumerator(timeout.Token).MoveNextAsync().AsTask())
                .ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or AggregateException or HttpRequestException)
        {
            return false;
        }
    }
}
