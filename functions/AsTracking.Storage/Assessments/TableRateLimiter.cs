using System.Collections.Concurrent;
using System.Globalization;
using AsTracking.Core.Ports;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// Failed-attempt counting per key (a keyed hash of the client address) in fixed 15-minute windows, shared by all
/// instances through a table. The success path asks only this instance's memory; a key at its limit is known
/// here from its own failures and, on another instance, from its next failure, which reads the shared count.
/// </summary>
public sealed class TableRateLimiter(TableProvider tables, TimeProvider clock, int maxFailures = TableRateLimiter.DefaultMaxFailures) : IRateLimiter
{
    public const int DefaultMaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _limitedUntil = new(StringComparer.Ordinal);

    public Task<bool> IsLimitedAsync(string key, CancellationToken ct) =>
        Task.FromResult(_limitedUntil.TryGetValue(key, out var until) && until > clock.GetUtcNow());

    public async Task<bool> RecordFailureAsync(string key, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.RateLimitsTable, ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % Window.Ticks, TimeSpan.Zero);
        var rowKey = windowStart.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(key, rowKey, cancellationToken: ct).ConfigureAwait(false);
            var failures = (existing.HasValue ? existing.Value!.GetInt32("Failures") ?? 0 : 0) + 1;
            var entity = new TableEntity(key, rowKey) { ["Failures"] = failures };
            try
            {
                if (existing.HasValue) await table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                else await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                continue;
            }
            // The allowance is spent with the last allowed failure: from then on every attempt, even one with a
            // valid code, is refused until the window ends. This attempt itself is refused only once over the limit.
            if (failures >= maxFailures) _limitedUntil[key] = windowStart + Window;
            return failures > maxFailures;
        }
        return true; // heavy contention on one key is itself a sign of abuse
    }
}
