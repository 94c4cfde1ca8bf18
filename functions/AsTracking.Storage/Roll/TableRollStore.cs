using System.Text.Json;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace AsTracking.Storage.Roll;

/// <summary>
/// The roll in the school's partition. An import is journaled to a blob, marked pending on the roll state
/// entity, and applied in transactions that each also touch the state with If-Match. Readers use the state as a
/// sequence lock: they finish a pending import themselves and retry if the state moved during their read, so
/// nobody ever sees a half-applied roll, and a crashed import is completed by the next caller.
/// </summary>
public sealed class TableRollStore : IRollStore
{
    private const int MaxActionsPerTransaction = 100;
    private const int MaxAttempts = 20;
    private const string Pending = "Pending";
    private const string Generation = "Generation";

    private readonly TableProvider _tables;
    private readonly BlobContainerClient _journals;
    private readonly PupilCrypto _crypto;
    private readonly IDueIndex _due;
    private readonly Lazy<Task> _containerCreated;

    /// <summary>Test hook: runs before each journal transaction with its index, to simulate a crash part-way.</summary>
    internal Func<int, Task>? BeforeTransaction { get; set; }

    public TableRollStore(TableProvider tables, BlobServiceClient blobs, PupilCrypto crypto, IDueIndex due)
    {
        _tables = tables;
        _journals = blobs.GetBlobContainerClient(StorageNames.RollImportsContainer);
        _crypto = crypto;
        _due = due;
        _containerCreated = new Lazy<Task>(() => _journals.CreateIfNotExistsAsync());
    }

    public async Task<RollSnapshot> ListAsync(string schoolId, CancellationToken ct)
    {
        // One range covers both "pkey|" and "pupil|" rows of the partition.
        var (rows, version) = await ReadConsistentAsync(schoolId, RowKeys.PupilKeyPrefix, RowKeys.PrefixEnd(RowKeys.PupilPrefix), null, ct).ConfigureAwait(false);
        var keys = rows.Where(e => e.RowKey.StartsWith(RowKeys.PupilKeyPrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.RowKey[RowKeys.PupilKeyPrefix.Length..], StringComparer.Ordinal);
        var result = new List<Pupil>();
        foreach (var e in rows.Where(e => e.RowKey.StartsWith(RowKeys.PupilPrefix, StringComparison.Ordinal)))
        {
            var pupilId = e.RowKey[RowKeys.PupilPrefix.Length..];
            // A pupil whose data key was destroyed (crypto-shredded) is no longer readable and is not listed.
            if (!keys.TryGetValue(pupilId, out var keyEntity)) continue;
            var dataKey = await _crypto.OpenKeyAsync(schoolId, pupilId, keyEntity, ct).ConfigureAwait(false);
            result.Add(PupilEntities.FromEntity(e, dataKey, _crypto));
        }
        return new RollSnapshot(result, version);
    }

    public async Task<IReadOnlyList<PupilState>> ListStatesAsync(string schoolId, CancellationToken ct)
    {
        var (rows, _) = await ReadConsistentAsync(schoolId, RowKeys.PupilPrefix, RowKeys.PrefixEnd(RowKeys.PupilPrefix), PupilEntities.StateProperties, ct)
            .ConfigureAwait(false);
        return rows.Select(PupilEntities.StateFromEntity).ToList();
    }

    /// <summary>
    /// Reads a RowKey range of the school's partition as one roll version: a pending import is finished first, and
    /// the read is repeated if the roll state moved while it ran (a sequence lock).
    /// </summary>
    private async Task<(List<TableEntity> Rows, string Version)> ReadConsistentAsync(string schoolId, string from, string to,
        IEnumerable<string>? select, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var before = await ReadStateAsync(table, schoolId, ct).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(before.GetString(Pending)))
            {
                await CompletePendingAsync(table, before, ct).ConfigureAwait(false);
                continue;
            }
            var rows = new List<TableEntity>();
            await foreach (var e in table.QueryAsync<TableEntity>(
                e => e.PartitionKey == schoolId && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0, select: select, cancellationToken: ct).ConfigureAwait(false))
            {
                rows.Add(e);
            }
            var after = await ReadStateAsync(table, schoolId, ct).ConfigureAwait(false);
            if (after.ETag == before.ETag) return (rows, after.ETag.ToString());
        }
        throw new InvalidOperationException("The roll kept changing while it was read.");
    }

    public async Task<Pupil?> GetAsync(string schoolId, string pupilId, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        // Two point reads side by side: an OR over RowKeys would be a partition scan, in Azure as in Azurite.
        var pupilRead = table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.Pupil(pupilId), cancellationToken: ct);
        var keyRead = table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.PupilKey(pupilId), cancellationToken: ct);
        var pupilResponse = await pupilRead.ConfigureAwait(false);
        var keyResponse = await keyRead.ConfigureAwait(false);
        var pupil = pupilResponse.HasValue ? pupilResponse.Value : null;
        var key = keyResponse.HasValue ? keyResponse.Value : null;
        if (pupil is null || key is null) return null;
        var dataKey = await _crypto.OpenKeyAsync(schoolId, pupilId, key, ct).ConfigureAwait(false);
        return PupilEntities.FromEntity(pupil, dataKey, _crypto);
    }

    public async Task<PupilState?> GetStateAsync(string schoolId, string pupilId, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.Pupil(pupilId), select: PupilEntities.StateProperties, cancellationToken: ct)
            .ConfigureAwait(false);
        return e.HasValue ? PupilEntities.StateFromEntity(e.Value!) : null;
    }

    public async Task<Pupil?> FindByUpnAsync(string schoolId, string upn, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var upnKey = await _crypto.UpnKeyAsync(schoolId, Upn.Normalise(upn), ct).ConfigureAwait(false);
        var index = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.UpnIndex(upnKey), cancellationToken: ct).ConfigureAwait(false);
        return index.HasValue ? await GetAsync(schoolId, index.Value!.GetString(PupilEntities.PupilId), ct).ConfigureAwait(false) : null;
    }

    public async Task<bool> ApplyAsync(RollChangeSet changes, string expectedVersion, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var journal = await BuildJournalAsync(table, changes, ct).ConfigureAwait(false);

        await _containerCreated.Value.ConfigureAwait(false);
        await _journals.GetBlobClient(JournalName(changes.SchoolId, changes.ImportId))
            .UploadAsync(new BinaryData(journal.ToBytes()), overwrite: false, ct).ConfigureAwait(false);

        // Claim the roll: only if it is still at the version the plan was made on.
        var state = new TableEntity(changes.SchoolId, RowKeys.RollState) { [Pending] = changes.ImportId };
        ETag etag;
        try
        {
            var response = await table.UpdateEntityAsync(state, new ETag(expectedVersion), TableUpdateMode.Merge, ct).ConfigureAwait(false);
            etag = response.Headers.ETag ?? throw new InvalidOperationException("No ETag on the roll state.");
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            await DeleteJournalAsync(changes.SchoolId, changes.ImportId, ct).ConfigureAwait(false);
            return false;
        }
        await RunJournalAsync(table, changes.SchoolId, journal, etag, ct).ConfigureAwait(false);
        return true;
    }

    private async Task<RollJournal> BuildJournalAsync(TableClient table, RollChangeSet changes, CancellationToken ct)
    {
        var schoolId = changes.SchoolId;
        var journal = new RollJournal
        {
            ImportId = changes.ImportId,
            ContentHash = changes.ContentHash,
            Result = JsonSerializer.Serialize(changes.Result, StorageJson.Options),
            Due = [.. changes.Due],
        };
        foreach (var pupil in changes.Added)
        {
            var (dataKey, keyProperties) = await _crypto.CreateKeyAsync(schoolId, pupil.PupilId, ct).ConfigureAwait(false);
            var upnKey = await _crypto.UpnKeyAsync(schoolId, pupil.Identity.Upn, ct).ConfigureAwait(false);
            var properties = PupilEntities.RollProperties(pupil, dataKey, upnKey, _crypto);
            journal.Groups.Add(
            [
                JournalEntity.From(RowKeys.PupilKey(pupil.PupilId), keyProperties, replace: true),
                JournalEntity.From(RowKeys.Pupil(pupil.PupilId), properties, replace: false),
                JournalEntity.From(RowKeys.UpnIndex(upnKey), new Dictionary<string, object> { [PupilEntities.PupilId] = pupil.PupilId }, replace: true),
            ]);
            CryptographicZero(dataKey);
        }
        var changed = changes.Updated.Concat(changes.Left).ToList();
        // The changed pupils' wrapped keys in one range read, not one round trip per pupil.
        var keys = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        if (changed.Count > 0)
        {
            await foreach (var e in table.QueryPrefixAsync(schoolId, RowKeys.PupilKeyPrefix, ct: ct).ConfigureAwait(false))
            {
                keys[e.RowKey[RowKeys.PupilKeyPrefix.Length..]] = e;
            }
        }
        foreach (var pupil in changed)
        {
            var key = keys.GetValueOrDefault(pupil.PupilId) ?? throw new InvalidOperationException("A pupil on the roll has no data key.");
            var dataKey = await _crypto.OpenKeyAsync(schoolId, pupil.PupilId, key, ct).ConfigureAwait(false);
            var upnKey = await _crypto.UpnKeyAsync(schoolId, pupil.Identity.Upn, ct).ConfigureAwait(false);
            journal.Groups.Add([JournalEntity.From(RowKeys.Pupil(pupil.PupilId), PupilEntities.RollProperties(pupil, dataKey, upnKey, _crypto), replace: false)]);
            CryptographicZero(dataKey);
        }
        return journal;
    }

    private async Task RunJournalAsync(TableClient table, string schoolId, RollJournal journal, ETag etag, CancellationToken ct)
    {
        int index = 0;
        foreach (var batch in Pack(journal.Groups))
        {
            for (int attempt = 0; ; attempt++)
            {
                if (BeforeTransaction is { } hook) await hook(index).ConfigureAwait(false);
                var actions = batch.Select(e => e.ToAction(schoolId)).ToList();
                // Touching the state with If-Match fences off a stale writer that lost the import to a reader.
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                    new TableEntity(schoolId, RowKeys.RollState) { [Pending] = journal.ImportId }, etag));
                try
                {
                    var response = await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                    etag = response.Value[^1].Headers.ETag ?? throw new InvalidOperationException("No ETag on the roll state.");
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
                {
                    var state = await ReadStateAsync(table, schoolId, ct).ConfigureAwait(false);
                    if (state.GetString(Pending) != journal.ImportId) return; // finished by someone else
                    etag = state.ETag;
                }
            }
            index++;
        }

        await _due.AddManyAsync(journal.Due, ct).ConfigureAwait(false);

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var state = await ReadStateAsync(table, schoolId, ct).ConfigureAwait(false);
            if (state.GetString(Pending) != journal.ImportId) return;
            var done = new TableEntity(schoolId, RowKeys.RollState)
            {
                [Pending] = string.Empty,
                [Generation] = (state.GetInt64(Generation) ?? 0) + 1,
                ["LastImportId"] = journal.ImportId,
                ["LastContentHash"] = journal.ContentHash,
                ["LastResult"] = journal.Result,
            };
            try
            {
                await table.UpdateEntityAsync(done, state.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another finisher raced us; read again.
            }
        }
        await DeleteJournalAsync(schoolId, journal.ImportId, ct).ConfigureAwait(false);
    }

    private async Task CompletePendingAsync(TableClient table, TableEntity state, CancellationToken ct)
    {
        var importId = state.GetString(Pending);
        await _containerCreated.Value.ConfigureAwait(false);
        var blob = _journals.GetBlobClient(JournalName(state.PartitionKey, importId));
        RollJournal journal;
        try
        {
            var content = await blob.DownloadContentAsync(ct).ConfigureAwait(false);
            journal = RollJournal.FromBytes(content.Value.Content);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The journal is written before the claim, so a claim without one can only be left by hand: release it.
            try
            {
                await table.UpdateEntityAsync(new TableEntity(state.PartitionKey, RowKeys.RollState) { [Pending] = string.Empty }, state.ETag, TableUpdateMode.Merge, ct)
                    .ConfigureAwait(false);
            }
            catch (RequestFailedException inner) when (inner.Status == 412)
            {
            }
            return;
        }
        await RunJournalAsync(table, state.PartitionKey, journal, state.ETag, ct).ConfigureAwait(false);
    }

    private static async Task<TableEntity> ReadStateAsync(TableClient table, string schoolId, CancellationToken ct)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.RollState, cancellationToken: ct).ConfigureAwait(false);
        if (existing.HasValue) return existing.Value!;
        try
        {
            await table.AddEntityAsync(new TableEntity(schoolId, RowKeys.RollState) { [Pending] = string.Empty, [Generation] = 0L }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
        return (await table.GetEntityAsync<TableEntity>(schoolId, RowKeys.RollState, cancellationToken: ct).ConfigureAwait(false)).Value;
    }

    // Packs whole pupil groups into transactions, leaving room for the state touch.
    private static IEnumerable<List<JournalEntity>> Pack(List<List<JournalEntity>> groups)
    {
        var batch = new List<JournalEntity>();
        foreach (var group in groups)
        {
            if (batch.Count + group.Count > MaxActionsPerTransaction - 1)
            {
                yield return batch;
                batch = [];
            }
            batch.AddRange(group);
        }
        if (batch.Count > 0) yield return batch;
    }

    private async Task DeleteJournalAsync(string schoolId, string importId, CancellationToken ct) =>
        await _journals.GetBlobClient(JournalName(schoolId, importId)).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);

    private static string JournalName(string schoolId, string importId) => $"{schoolId}/{importId}.json";

    private static void CryptographicZero(byte[] key) => System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
}
