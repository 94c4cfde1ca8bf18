using System.Security.Cryptography;
using AsTracking.Core.Ports;

namespace AsTracking.Storage.Keys;

/// <summary>
/// Keyed-hash lookup keys (R19): tables are indexed by HMAC-SHA256 of the identifier, never the identifier itself.
/// Inputs are separated by purpose and school (length-prefixed, so no two inputs collide by concatenation);
/// the same pupil therefore gets unrelated keys in different schools and in different indexes.
/// Output is 128 bits as 32 lowercase hex characters, which is safe in a PartitionKey or RowKey.
/// The current HMAC key is used: rotating it changes every key, so a rotation needs a re-index.
/// </summary>
public sealed class HmacPseudonymizer : IPseudonymizer
{
    private const int OutputBytes = 16;
    private readonly ISecretKeyStore _keys;

    public HmacPseudonymizer(ISecretKeyStore keys)
    {
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
    }

    /// <summary>UPNs are compared case-insensitively and without surrounding spaces, as schools type them.</summary>
    public ValueTask<string> UpnIndexKeyAsync(string schoolId, string upn, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(upn);
        return ComputeAsync("upn", schoolId, upn.Trim().ToUpperInvariant(), ct);
    }

    public ValueTask<string> PupilPseudonymAsync(string schoolId, string pupilId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(pupilId);
        return ComputeAsync("pupil", schoolId, pupilId, ct);
    }

    /// <summary>Global lookups have no school; a fixed scope keeps them apart from every school's keys.</summary>
    public ValueTask<string> GlobalKeyAsync(string purpose, string value, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentException.ThrowIfNullOrEmpty(value);
        return ComputeAsync("global." + purpose, "*", value, ct);
    }

    private async ValueTask<string> ComputeAsync(string purpose, string schoolId, string value, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(schoolId);
        var key = await _keys.GetCurrentAsync(SecretNames.HmacKey, ct).ConfigureAwait(false);
        var input = FieldCipher.Encode("astracking.pseudonym.v1", purpose, schoolId, value);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        try
        {
            HMACSHA256.HashData(key.Material, input, mac);
            return Convert.ToHexStringLower(mac[..OutputBytes]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }
}
