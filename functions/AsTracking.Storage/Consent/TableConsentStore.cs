using System.Globalization;
using AsTracking.Core.Consent;
using AsTracking.Core.Ports;
using AsTracking.Storage.Roll;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Consent;

/// <summary>
/// Consent history rows sit next to the pupil in the school's partition, so appending an event and flipping the
/// pupil's opt-out flag is one transaction (R9). Free-text notes are sealed under the pupil's data key (R19).
/// </summary>
public sealed class TableConsentStore(TableProvider tables, PupilCrypto crypto) : IConsentStore
{
    private const string Note = "Note";

    public async Task<IReadOnlyList<ConsentEvent>> HistoryAsync(string schoolId, string pupilId, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var prefix = $"consent|{pupilId}|";
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryPrefixAsync(schoolId, prefix, ct: ct).ConfigureAwait(false))
        {
            rows.Add(e);
        }
        if (rows.Count == 0) return [];
        var dataKey = await DataKeyAsync(table, schoolId, pupilId, ct).ConfigureAwait(false);
        return rows.OrderBy(r => r.RowKey, StringComparer.Ordinal).Select(r => FromEntity(r, dataKey)).ToList();
    }

    public async Task<bool> AppendAsync(string schoolId, string pupilId, ConsentEvent entry, bool optedOut, bool erasureRequested, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var rowKey = RowKeys.Consent(pupilId, entry.Sequence);
        var row = new TableEntity(schoolId, rowKey)
        {
            ["Sequence"] = entry.Sequence,
            ["Decision"] = entry.Decision.ToString(),
            ["RequestedBy"] = entry.RequestedBy.ToString(),
            ["ReceivedOn"] = entry.ReceivedOn.ToString("O", CultureInfo.InvariantCulture),
            ["Erase"] = entry.Erase,
            ["RecordedBy"] = entry.RecordedBy,
            ["RecordedAt"] = entry.RecordedAt,
        };
        if (entry.Note is not null)
        {
            var dataKey = await DataKeyAsync(table, schoolId, pupilId, ct).ConfigureAwait(false);
            row[Note] = crypto.Seal(dataKey, schoolId, rowKey, Note, entry.Note);
        }
        var flags = new TableEntity(schoolId, RowKeys.Pupil(pupilId))
        {
            [PupilEntities.OptedOut] = optedOut,
            [PupilEntities.ErasureRequested] = erasureRequested,
        };
        try
        {
            await table.SubmitTransactionAsync(
            [
                // Add fails if the sequence is taken: two concurrent writers cannot both append event N.
                new TableTransactionAction(TableTransactionActionType.Add, row),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, flags, ETag.All),
            ], ct).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    private async Task<byte[]> DataKeyAsync(TableClient table, string schoolId, string pupilId, CancellationToken ct)
    {
        var key = await table.GetEntityAsync<TableEntity>(schoolId, RowKeys.PupilKey(pupilId), cancellationToken: ct).ConfigureAwait(false);
        return await crypto.OpenKeyAsync(schoolId, pupilId, key.Value, ct).ConfigureAwait(false);
    }

    private ConsentEvent FromEntity(TableEntity e, byte[] dataKey) => new(
        e.GetInt32("Sequence") ?? 0,
        Enum.Parse<ConsentDecision>(e.GetString("Decision")),
        Enum.Parse<ConsentRequester>(e.GetString("RequestedBy")),
        DateOnly.ParseExact(e.GetString("ReceivedOn"), "O", CultureInfo.InvariantCulture),
        e.GetString(Note) is { } sealedNote ? crypto.Open(dataKey, e.PartitionKey, e.RowKey, Note, sealedNote) : null,
        e.GetBoolean("Erase") ?? false,
        e.GetString("RecordedBy"),
        e.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue);
}
