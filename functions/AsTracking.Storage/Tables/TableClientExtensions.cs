using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tables;

internal static class TableClientExtensions
{
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
