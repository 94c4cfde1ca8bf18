using System.Globalization;
using AsTracking.Core.Ports;
using AsTracking.Core.Retention;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tables;

/// <summary>
/// The due-date index: PartitionKey = rule, RowKey = "yyyyMMdd|schoolId|pupilId". A sweep reads the range of
/// keys up to today in one partition, so its cost follows what is due, not what is stored (R17).
/// </summary>
public sealed class TableDueIndex(TableProvider tables) : IDueIndex
{
    public Task AddAsync(DueItem item, CancellationToken ct) => AddManyAsync([item], ct);

    public async Task AddManyAsync(IReadOnlyList<DueItem> items, CancellationToken ct)
    {
        if (items.Count == 0) return;
        var table = await tables.GetAsync(StorageNames.DueIndexTable, ct).ConfigureAwait(false);
        foreach (var group in items.GroupBy(i => i.Rule, StringComparer.Ordinal))
        {
            // Distinct keys only: a transaction may not touch the same entity twice.
            var entities = group.Select(ToEntity).DistinctBy(e => e.RowKey, StringComparer.Ordinal).ToList();
            foreach (var chunk in entities.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct)
                    .ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<DueItem>> DueAsync(string rule, DateOnly onOrBefore, int max, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.DueIndexTable, ct).ConfigureAwait(false);
        var upper = onOrBefore.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var result = new List<DueItem>();
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == rule && e.RowKey.CompareTo(upper) < 0, maxPerPage: Math.Min(max, 1000), cancellationToken: ct)
            .ConfigureAwait(false))
        {
            result.Add(FromEntity(e));
            if (result.Count >= max) break;
        }
        return result;
    }

    public async Task RemoveAsync(DueItem item, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.DueIndexTable, ct).ConfigureAwait(false);
        var entity = ToEntity(item);
        try
        {
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already removed by an earlier (crashed or concurrent) sweep.
        }
    }

    private static TableEntity ToEntity(DueItem i) =>
        new(i.Rule, $"{i.DueOn.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}|{i.SchoolId}|{i.PupilId}")
        {
            ["SchoolId"] = i.SchoolId,
            ["PupilId"] = i.PupilId,
        };

    private static DueItem FromEntity(TableEntity e) => new(
        e.PartitionKey,
        DateOnly.ParseExact(e.RowKey[..8], "yyyyMMdd", CultureInfo.InvariantCulture),
        e.GetString("SchoolId"),
        e.GetString("PupilId"));
}
