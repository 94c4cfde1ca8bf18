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
public sealed class PupilCrypto(DataKeyWrapper wrapper, IPseudonymizer pseudonyms, TimeProvider clock)
{
    private const string KekVersion = "KekVersion";
    private const string WrappedKey = "WrappedKey";
    private const int MaxCachedKeys = 10_000;

    /// <summary>
    /// How long an unwrapped data key is remembered, so the intake path that just read a pupil can seal the raw
    /// submission without reading the key again. Short, because a destroyed key must stop working everywhere soon.
    /// </summary>
    public static readonly TimeSpan KeyCacheLifetime = TimeSpan.FromSeconds(60);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string School, string Pupil), (byte[] Key, DateTimeOffset Until)> _recent = new();

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
    public async Task<byte[]> OpenKeyAsync(string schoolId, string pupilId, TableEntity keyEntity, CancellationToken ct)
    {
        var key = await wrapper.UnwrapAsync(schoolId, pupilId, new WrappedDataKey(keyEntity.GetString(KekVersion), keyEntity.GetString(WrappedKey)), ct)
            .ConfigureAwait(false);
        if (_recent.Count >= MaxCachedKeys) _recent.Clear();
        _recent[(schoolId, pupilId)] = ((byte[])key.Clone(), clock.GetUtcNow() + KeyCacheLifetime);
        return key;
    }

    /// <summary>A copy of a data key unwrapped within the last minute, or null.</summary>
    public byte[]? RecentKey(string schoolId, string pupilId) =>
        _recent.TryGetValue((schoolId, pupilId), out var hit) && hit.Until > clock.GetUtcNow() ? (byte[])hit.Key.Clone() : null;

    /// <summary>Forgets a key at once, e.g. when it is destroyed (crypto-shredding).</summary>
    public void Forget(string schoolId, string pupilId) => _recent.TryRemove((schoolId, pupilId), out _);

    public string Seal(byte[] dataKey, string schoolId, string rowKey, string property, string plaintext) =>
        FieldCipher.Encrypt(plaintext, dataKey, FieldCipher.AssociatedData(StorageNames.SchoolsTable, schoolId, rowKey, property));

    public string Open(byte[] dataKey, string schoolId, string rowKey, string property, string ciphertext) =>
        FieldCipher.Decrypt(ciphertext, dataKey, FieldCipher.AssociatedData(StorageNames.SchoolsTable, schoolId, rowKey, property));

    public async Task<string> UpnKeyAsync(string schoolId, string upn, CancellationToken ct) =>
        await pseudonyms.UpnIndexKeyAsync(schoolId, upn, ct).ConfigureAwait(false);
}
