using AsTracking.Core.Ports;
using AsTracking.Storage.Keys;
using AsTracking.Storage.Tables;
using Azure.Data.Tables;

namespace AsTracking.Storage.Roll;

/// <summary>
/// Per-pupil protection at rest (R19): a data key per pupil, wrapped by the key-encryption key and stored in its own
/// entity (destroying that entity crypto-shreds the pupil), fields sealed with associated data naming the school
/// table, entity and property, and UPN lookups through a keyed hash.
/// </summary>
public sealed class PupilCrypto(DataKeyWrapper wrapper, IPseudonymizer pseudonyms)
{
    private const string KekVersion = "KekVersion";
    private const string WrappedKey = "WrappedKey";
    public async Task<(byte[] DataKey, Dictionary<string, object> KeyProperties)> CreateKeyAsync(string schoolId, string pupilId, CancellationToken ct)
    {
        var (dataKey, wrapped) = await wrapper.GenerateAsync(schoolId, pupilId, ct).ConfigureAwait(false);
        return (dataKey, new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [KekVersion] = wrapped.KekVersion,
            [WrappedKey] = wrapped.Ciphertext,
        });
    }

    /// <summary>Unwraps a pupil's data key. The caller owns the returned array and may zero it.</summary>
    public async Task<byte[]> OpenKeyAsync(string schoolId, string pupilId, TableEntity keyEntity, CancellationToken ct) =>
        await wrapper.UnwrapAsync(schoolId, pupilId, new WrappedDataKey(keyEntity.GetString(KekVersion), keyEntity.GetString(WrappedKey)), ct)
            .ConfigureAwait(false);

    public string Seal(byte[] dataKey, string schoolId, string rowKey, string property, string plaintext) =>
        FieldCipher.Encrypt(plaintext, dataKey, FieldCipher.AssociatedData(StorageNames.SchoolsTable, schoolId, rowKey, property));

    public string Open(byte[] dataKey, string schoolId, string rowKey, string property, string ciphertext) =>
        FieldCipher.Decrypt(ciphertext, dataKey, FieldCipher.AssociatedData(StorageNames.SchoolsTable, schoolId, rowKey, property));

    public async Task<string> UpnKeyAsync(string schoolId, string upn, CancellationToken ct) =>
        await pseudonyms.UpnIndexKeyAsync(schoolId, upn, ct).ConfigureAwait(false);
}
