using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Core.Pupils;
using AsTracking.Storage.Keys;
using AsTracking.Storage.Roll;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// Claims, submission records and raw submissions (R8). The record lives on the pupil's entity (see
/// <see cref="SubmissionColumns"/>), so the claim is one merge of it under If-Match at the pupil's version when the
/// code was issued: a used code, a second code for an assessed pupil-round, and an opt-out or roll change since
/// issue all refuse it with nothing written. The raw blob is create-only and sealed under a key of its own, wrapped
/// by the key-encryption key and kept only in the record: deleting the record (or the pupil) crypto-shreds the blob
/// with all its versions (R17, R19), and intake never has to read the pupil's key.
/// </summary>
public sealed class TableSubmissionStore : ISubmissionStore
{
    private readonly TableProvider _tables;
    private readonly BlobContainerClient _container;
    private const int MaxHeldKeys = 1_000;

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
        try
        {
            // One conditional write: it records the submission and proves the pupil unchanged since the code was
            // issued (no opt-out, no roll change, no other claim), so intake need not read the pupil (R6, R9).
            await table.UpdateEntityAsync(SubmissionColumns.Claim(record, codeKey, payloadHash, wrapped), new ETag(pupilVersion), TableUpdateMode.Merge, ct)
                .ConfigureAwait(false);
            if (_justClaimed.Count >= MaxHeldKeys) _justClaimed.Clear();
            _justClaimed[record.SubmissionId] = rawKey;
            return new ClaimResult(ClaimOutcome.Claimed, record);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(rawKey);
            // The pupil changed since issue. A submission for the round says whether it was this code's; otherwise
            // the caller checks the pupil again (opted out, left, or changed in a way that does not matter).
            var pupil = await table.GetEntityIfExistsAsync<TableEntity>(record.SchoolId, RowKeys.Pupil(record.PupilId),
                select: SubmissionColumns.All(record.Round.Key), cancellationToken: ct).ConfigureAwait(false);
            if (!pupil.HasValue || SubmissionColumns.Read(pupil.Value!, record.SchoolId, record.PupilId, record.Round) is not { } held) return new ClaimResult(ClaimOutcome.PupilChanged, null);
            if (held.Written.CodeKey != codeKey) return new ClaimResult(ClaimOutcome.PupilAlreadyAssessed, null);
            return held.Written.PayloadHash == payloadHash
                ? new ClaimResult(ClaimOutcome.SamePayload, held.Record)
                : new ClaimResult(ClaimOutcome.OtherPayload, held.Record);
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

    public async Task<SubmissionRecord?> GetRecordAsync(SubmissionRef submission, CancellationToken ct) =>
        (await ReadAsync(submission, ct).ConfigureAwait(false))?.Record;

    public async Task<StoredSubmission?> GetWithRawAsync(SubmissionRef submission, CancellationToken ct)
    {
        await _created.Value.ConfigureAwait(false);
        // The record (which holds the raw blob's wrapped key) and the blob are named by the reference: read them together.
        var recordRead = ReadAsync(submission, ct);
        var download = DownloadIfExistsAsync(BlobName(submission.SchoolId, submission.SubmissionId), ct);
        await Task.WhenAll(recordRead, download).ConfigureAwait(false);
        if (await recordRead.ConfigureAwait(false) is not { } found) return null;
        var record = found.Record;
        var content = await download.ConfigureAwait(false);
        var wrapped = new WrappedDataKey(found.Written.RawKekVersion, found.Written.RawKey);
        return new StoredSubmission(record, found.Pupil, async openCt =>
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
        // No record, or another submission's: the message named an unknown submission, and nothing is marked.
        if (await ReadAsync(submission, ct).ConfigureAwait(false) is not { } found) return;
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(SubmissionColumns.StatusChange(submission.SchoolId, submission.PupilId, submission.Round, SubmissionStatus.Failed, reason),
                found.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Changed or removed meanwhile (scored by a late delivery, say): leave it as it now is.
        }
    }

    public async IAsyncEnumerable<SubmissionRecord> ListAsync(string schoolId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        await foreach (var pupil in table.QueryPrefixAsync(schoolId, RowKeys.PupilPrefix, ct: ct).ConfigureAwait(false))
        {
            foreach (var record in SubmissionColumns.ReadAll(pupil)) yield return record;
        }
    }

    /// <summary>
    /// The submission named by the reference, from the pupil's entity, with the pupil's state read in the same point
    /// read (scoring needs both) and the entity's ETag. Null when there is none, or it is another submission.
    /// </summary>
    private async Task<Found?> ReadAsync(SubmissionRef submission, CancellationToken ct)
    {
        var table = await _tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var pupil = await table.GetEntityIfExistsAsync<TableEntity>(submission.SchoolId, RowKeys.Pupil(submission.PupilId),
            select: [.. SubmissionColumns.All(submission.Round.Key), .. PupilEntities.StateProperties], cancellationToken: ct).ConfigureAwait(false);
        if (!pupil.HasValue || SubmissionColumns.Read(pupil.Value!, submission.SchoolId, submission.PupilId, submission.Round) is not { } found
            || found.Record.SubmissionId != submission.SubmissionId)
        {
            return null;
        }
        return new Found(found.Record, found.Written, PupilEntities.StateFromEntity(pupil.Value!), pupil.Value!.ETag);
    }

    private sealed record Found(SubmissionRecord Record, SubmissionColumns.Written Written, PupilState Pupil, ETag ETag);

    private async Task<byte[]> RawKeyAsync(SubmissionRecord record, CancellationToken ct)
    {
        if (_justClaimed.TryRemove(record.SubmissionId, out var held)) return held;
        var written = (await ReadAsync(record.Ref, ct).ConfigureAwait(false) ?? throw new InvalidOperationException("The submission has no record.")).Written;
        return await _keys.UnwrapAsync(record.SchoolId, record.SubmissionId, new WrappedDataKey(written.RawKekVersion, written.RawKey), ct)
            .ConfigureAwait(false);
    }

    private static string BlobName(SubmissionRecord r) => BlobName(r.SchoolId, r.SubmissionId);

    private static string BlobName(string schoolId, string submissionId) => $"{schoolId}/{submissionId}.json";

    private static byte[] AssociatedData(SubmissionRecord r) =>
        FieldCipher.AssociatedData(StorageNames.SubmissionsContainer, r.SchoolId, r.SubmissionId, "raw");
}
