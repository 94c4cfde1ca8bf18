using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tables;

/// <summary>Hands out table clients, creating each table once per process on first use.</summary>
public sealed class TableProvider(TableServiceClient service)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);

    public Task<TableClient> GetAsync(string name, CancellationToken ct) =>
        _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(n, ct))).Value;

    private async Task<TableClient> CreateAsync(string name, CancellationToken ct)
    {
        var client = service.GetTableClient(name);
        try
        {
            await client.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            // Do not cache a failure (e.g. storage briefly unreachable): the next call tries again.
            _tables.TryRemove(name, out _);
            throw;
        }
        return client;
    }
}
