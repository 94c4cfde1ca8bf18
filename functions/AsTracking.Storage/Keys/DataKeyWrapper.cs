using System.Security.Cryptography;
using AsTracking.Core.Ports;

namespace AsTracking.Storage.Keys;

/// <summary>A per-pupil data key encrypted under a key-encryption key, with the KEK version needed to open it.</summary>
public sealed record WrappedDataKey(string KekVersion, string Ciphertext);

/// <summary>
/// Envelope encryption for per-pupil data keys (R19). Each pupil's identifier fields are encrypted under its own
/// random data key; only the wrapped form is stored. Wrapping uses the current KEK and records its version, so
/// after a KEK rotation old rows still unwrap with the version they were written under.
/// The associated data binds a wrapped key to its school and pupil, so it cannot be swapped onto another pupil.
/// </summary>
public sealed class DataKeyWrapper
{
    private readonly ISecretKeyStore _keys;

    public DataKeyWrapper(ISecretKeyStore keys)
    {
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
    }

    /// <summary>
    /// Creates a new random data key and its wrapped form. The caller owns the plaintext key and should zero it
    /// (<see cref="CryptographicOperations.ZeroMemory"/>) once the fields are encrypted.
    /// </summary>
    public async ValueTask<(byte[] DataKey, WrappedDataKey Wrapped)> GenerateAsync(
        string schoolId, string pupilId, CancellationToken ct)
    {
        var dataKey = RandomNumberGenerator.GetBytes(FieldCipher.KeySize);
        try
        {
            var wrapped = await WrapAsync(schoolId, pupilId, dataKey, ct).ConfigureAwait(false);
            return (dataKey, wrapped);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw;
        }
    }

    /// <summary>Wraps an existing data key under the current KEK (also used to re-wrap after a rotation).</summary>
    public async ValueTask<WrappedDataKey> WrapAsync(
        string schoolId, string pupilId, ReadOnlyMemory<byte> dataKey, CancellationToken ct)
    {
        if (dataKey.Length != FieldCipher.KeySize)
        {
            throw new ArgumentException($"Data keys must be {FieldCipher.KeySize} bytes.", nameof(dataKey));
        }

        var aad = AssociatedData(schoolId, pupilId);
        // The KEK material belongs to the key store (it may be cached), so it is not zeroed here.
        var kek = await _keys.GetCurrentAsync(SecretNames.KeyEncryptionKey, ct).ConfigureAwait(false);
        return new WrappedDataKey(kek.Version, FieldCipher.Seal(dataKey.Span, kek.Material, aad));
    }

    /// <summary>
    /// Unwraps a data key with the KEK version recorded beside it. Throws <see cref="CryptographicException"/> if it
    /// was wrapped for another school or pupil or was altered. The caller owns (and should zero) the result.
    /// </summary>
    public async ValueTask<byte[]> UnwrapAsync(
        string schoolId, string pupilId, WrappedDataKey wrapped, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        var aad = AssociatedData(schoolId, pupilId);
        var kek = await _keys.GetVersionAsync(SecretNames.KeyEncryptionKey, wrapped.KekVersion, ct)
            .ConfigureAwait(false);
        var dataKey = FieldCipher.Open(wrapped.Ciphertext, kek.Material, aad);
        if (dataKey.Length != FieldCipher.KeySize)
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw new CryptographicException("Unwrapped data key has the wrong length.");
        }
        return dataKey;
    }

    private static byte[] AssociatedData(string schoolId, string pupilId)
    {
        ArgumentException.ThrowIfNullOrEmpty(schoolId);
        ArgumentException.ThrowIfNullOrEmpty(pupilId);
        return FieldCipher.Encode("astracking.dek.v1", schoolId, pupilId);
    }
}
