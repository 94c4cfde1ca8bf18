using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Storage.Keys;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// Claims, submission records and raw submissions (R8). The pupil-round marker (which is also the code's claim),
/// the record and a check that the pupil is unchanged since the code was issued are one transaction in the
/// school's partition, so a code is used at most once, a pupil is assessed at most once a round, and an opt-out
/// or roll change since issue refuses the claim with nothing written. The raw blob is create-only and sealed under a key of its own, wrapped by the key-encryption key and
/// kept only in the submission record: deleting the record crypto-shreds the blob with all its versions (R17, R19),
/// and intake never has to read the pupil's key.
/// </summary>
public sealed class TableSubmissionStore : ISubmissionStore
{
    private readonly TableProvider _tables;
    private readonly BlobContainerClient _container;
    private const string RawKekVersion = "RawKekVersion";
    private const string RawKey = "RawKey";
    private const int MaxHeldKeys = 1_000;
    private const int PupilCheck = 1; // the index of the pupil check in the claim transaction
    private const string CodeKey = "CodeKey";
    private const string SubmissionIdProperty = "SubmissionId";
    private const string PayloadHash = "PayloadHash";

    private readonly DataKeyWrapper _keys;
    private readonly Lazy<Task> _created;

    // The key of a claim this instance just made, held until the raw blob that follows it is sealed.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _justClaimed = new(StringComparer.Ordinal);

    public TableSubmissionStore(TableProvider tables, BlobServiceClient blobs, DataKeyWrapper keys)
    {
        _tables = tables;
        _container = blobs.GetBlobContainerClient(StorageNames.SubmissionsContainer);
        _keys = keys;
        _created = new Lazy<Task>(() => _container.CreateIfNotExistsAsync());
    }

    public async Task<ClaimResult> ClaimAsync(SubmissionRecord record, string codeKey, string payloadHash, string pupilVersion, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var (rawKey, wrapped) = await _keys.GenerateAsync(record.SchoolId, record.SubmissionId, ct).ConfigureAwait(false);
        // Keyed by round and pupil, the record is also the pupil-round marker, and (holding the code's hash) the code's claim.
        var entity = ToEntity(record);
        entity[CodeKey] = codeKey;
        entity[PayloadHash] = payloadHash;
        entity[RawKekVersion] = wrapped.KekVersion;
        entity[RawKey] = wrapped.Ciphertext;
        try
        {
            await table.SubmitTransactionAsync(
            [
                // The record comes first: on a retry the transaction reports the used code before anything else.
                new TableTransactionAction(TableTransactionActionType.Add, entity),
                // A merge of no properties under If-Match: it only proves the pupil is unchanged since the code was
                // issued (no opt-out, no roll change), so intake need not read the pupil (R6, R9).
                new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                    new TableEntity(record.SchoolId, RowKeys.Pupil(record.PupilId)), new ETag(pupilVersion)),
            ], ct).ConfigureAwait(false);
            if (_justClaimed.Count >= MaxHeldKeys) _justClaimed.Clear();
            _justClaimed[record.SubmissionId] = rawKey;
            return new ClaimResult(ClaimOutcome.Claimed, record);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(rawKey);
            if (ex.FailedTransactionActionIndex == PupilCheck) return new ClaimResult(ClaimOutcome.PupilChanged, null);
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(record.SchoolId, entity.RowKey, cancellationToken: ct).ConfigureAwait(false);
            if (!existing.HasValue) return new ClaimResult(ClaimOutcome.PupilChanged, null); // gone meanwhile: check again
            var held = existing.Value!;
            if (held.GetString(CodeKey) != codeKey) return new ClaimResult(ClaimOutcome.PupilAlreadyAssessed, null);
            return held.GetString(PayloadHash) == payloadHash
                ? new ClaimResult(ClaimOutcome.SamePayload, FromEntity(held))
                : new ClaimResult(ClaimOutcome.OtherPayload, FromEntity(held));
        }
    }

    public async Task SaveRawAsync(SubmissionRecord record, RawSubmission raw, CancellationToken ct)
    {
        await _created.Value.ConfigureAwait(false);
        var key = await RawKeyAsync(record, ct).ConfigureAwait(false);
        var name = BlobName(record);
        var sealedRaw = FieldCipher.Seal(JsonSerializer.SerializeToUtf8Bytes(raw, StorageJson.Options), key, AssociatedData(record));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        try
        {
            // Never overwritten: the first stored copy is the raw submission (R8).
            await _container.GetBlobClient(name).UploadAsync(BinaryData.FromString(sealedRaw),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Stored by an earlier attempt of the same submission.
        }
    }

    public async Task<SubmissionRecord?> GetRecordAsync(SubmissionRef submission, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(submission.SchoolId, RowKey(submission), cancellationToken: ct).ConfigureAwait(false);
        return e.HasValue && Matches(e.Value!, submission) ? FromEntity(e.Value!) : null;
    }

    public async Task<StoredSubmission?> GetWithRawAsync(SubmissionRef submission, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        await _created.Value.ConfigureAwait(false);
        // The record (which holds the raw blob's wrapped key) and the blob are named by the reference: read them together.
        var recordRead = table.GetEntityIfExistsAsync<TableEntity>(submission.SchoolId, RowKey(submission), cancellationToken: ct);
        var download = DownloadIfExistsAsync(BlobName(submission.SchoolId, submission.SubmissionId), ct);
        await Task.WhenAll(recordRead, download).ConfigureAwait(false);
        var entity = await recordRead.ConfigureAwait(false);
        if (!entity.HasValue || !Matches(entity.Value!, submission)) return null;
        var record = FromEntity(entity.Value!);
        var content = await download.ConfigureAwait(false);
        var wrapped = new WrappedDataKey(entity.Value!.GetString(RawKekVersion), entity.Value!.GetString(RawKey));
        return new StoredSubmission(record, async openCt =>
        {
            if (content is null) return null;
            var key = await _keys.UnwrapAsync(record.SchoolId, record.SubmissionId, wrapped, openCt).ConfigureAwait(false);
            try
            {
                var json = FieldCipher.Open(content.ToString(), key, AssociatedData(record));
                return JsonSerializer.Deserialize<RawSubmission>(json, StorageJson.Options) ?? throw new InvalidDataException("Empty raw submission.");
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            }
        });
    }

    private async Task<BinaryData?> DownloadIfExistsAsync(string name, CancellationToken ct)
    {
        try
        {
            return (await _container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task MarkFailedAsync(SubmissionRef submission, string reason, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(submission.SchoolId, RowKey(submission), select: [SubmissionIdProperty], cancellationToken: ct)
            .ConfigureAwait(false);
        // No record, or another submission's: the message named an unknown submission, and nothing is marked.
        if (!existing.HasValue || !Matches(existing.Value!, submission)) return;
        try
        {
            await table.UpdateEntityAsync(new TableEntity(submission.SchoolId, RowKey(submission))
            {
                ["Status"] = SubmissionStatus.Failed.ToString(),
                ["FailureReason"] = reason,
            }, existing.Value!.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Changed or removed meanwhile (scored by a late delivery, say): leave it as it now is.
        }
    }

    public async IAsyncEnumerable<SubmissionRecord> ListAsync(string schoolId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        await foreach (var e in table.QueryPrefixAsync(schoolId, RowKeys.SubmissionPrefix, ct: ct)
            .ConfigureAwait(false))
        {
            yield return FromEntity(e);
        }
    }

    private async Task<byte[]> RawKeyAsync(SubmissionRecord record, CancellationToken ct)
    {
        if (_justClaimed.TryRemove(record.SubmissionId, out var held)) return held;
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var e = (await table.GetEntityAsync<TableEntity>(record.SchoolId, RowKey(record.Ref), select: [RawKekVersion, RawKey], cancellationToken: ct)
            .ConfigureAwait(false)).Value;
        return await _keys.UnwrapAsync(record.SchoolId, record.SubmissionId, new WrappedDataKey(e.GetString(RawKekVersion), e.GetString(RawKey)), ct)
            .ConfigureAwait(false);
    }

    private static string RowKey(SubmissionRef r) => RowKeys.Submission(r.Round.Key, r.PupilId);

    private static bool Matches(TableEntity e, SubmissionRef r) => e.GetString(SubmissionIdProperty) == r.SubmissionId;

    private static string BlobName(SubmissionRecord r) => BlobName(r.SchoolId, r.SubmissionId);

    private static string BlobName(string schoolId, string submissionId) => $"{schoolId}/{submissionId}.json";

    private static byte[] AssociatedData(SubmissionRecord r) =>
        FieldCipher.AssociatedData(StorageNames.SubmissionsContainer, r.SchoolId, r.SubmissionId, "raw");

    internal static TableEntity ToEntity(SubmissionRecord r) => new(r.SchoolId, RowKey(r.Ref))
    {
        [SubmissionIdProperty] = r.SubmissionId,
        ["PupilId"] = r.PupilId,
        ["SessionId"] = r.SessionId,
        ["Round"] = r.Round.Key,
        ["ReceivedAt"] = r.ReceivedAt,
        ["Status"] = r.Status.ToString(),
        ["ModelVersion"] = r.ModelVersion ?? string.Empty,
        ["FailureReason"] = r.FailureReason ?? string.Empty,
    };

    private static SubmissionRecord FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString(SubmissionIdProperty),
        e.GetString("PupilId"),
        e.GetString("SessionId"),
        AcademicRound.FromKey(e.GetString("Round")),
        e.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue,
        Enum.Parse<SubmissionStatus>(e.GetString("Status")),
        string.IsNullOrEmpty(e.GetString("ModelVersion")) ? null : e.GetString("ModelVersion"),
        string.IsNullOrEmpty(e.GetString("FailureReason")) ? null : e.GetString("FailureReason"));
}
