namespace AsTracking.Core.Ports;

/// <summary>A secret key and the version it was read at; wrapped data records the version they used.</summary>
public sealed record VersionedKey(string Name, string Version, byte[] Material);

/// <summary>
/// The source of the two app secrets (R19): the key-encryption key and the HMAC key. Key Vault in Azure,
/// a development key ring locally.
/// </summary>
public interface ISecretKeyStore
{
    ValueTask<VersionedKey> GetCurrentAsync(string name, CancellationToken ct);

    ValueTask<VersionedKey> GetVersionAsync(string name, string version, CancellationToken ct);
}

public static class SecretNames
{
    public const string KeyEncryptionKey = "pupil-kek";
    public const string HmacKey = "pseudonym-hmac-key";
}
