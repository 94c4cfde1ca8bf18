using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tables;

internal static class TableClientExtensions
{
    /// <summary>
    /// The rows of one partition whose RowKey starts with <paramref name="prefix"/> (ending in '|'): a range read,
    /// never a scan. <paramref name="andFilter"/> adds server-side conditions.
    /// </summary>
    public static AsyncPageable<TableEntity> QueryPrefixAsync(this TableClient table, string partitionKey, string prefix,
        IEnumerable<string>? select = null, string? andFilter = null, CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {RowKeys.PrefixEnd(prefix)}");
        if (andFilter is not null) filter = $"{filter} and ({andFilter})";
        return table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: ct);
    }

    /// <summary>Creates the entity or replaces it; true when it was created (PUT answers 201 vs 200).</summary>
    public static async Task<bool> AddOrReplaceAsync(this TableClient table, ITableEntity entity, CancellationToken ct)
    {
        try
        {
            await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return false;
        }
    }
}
