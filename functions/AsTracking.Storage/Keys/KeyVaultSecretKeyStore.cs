using System.Collections.Concurrent;
using System.Security.Cryptography;
using AsTracking.Core.Ports;
using Azure.Security.KeyVault.Secrets;

namespace AsTracking.Storage.Keys;

/// <summary>
/// Reads the app's key secrets from Key Vault (R19). Each secret value is base64 of exactly 32 random bytes.
/// A specific version never changes, so it is cached for the life of the process; "current" is cached for a
/// TTL so a rotation is picked up within that time without a Key Vault call per request. Concurrent misses for
/// the same entry wait for one fetch instead of all calling Key Vault (no stampede, no throttling).
/// Returned key material is shared with the cache: callers must not modify it.
/// </summary>
public sealed class KeyVaultSecretKeyStore : ISecretKeyStore
{
    public static readonly TimeSpan DefaultCurrentTtl = TimeSpan.FromMinutes(10);
    private const int KeySize = 32;

    private readonly SecretClient _client;
    private readonly TimeProvider _time;
    private readonly TimeSpan _currentTtl;
    private readonly ConcurrentDictionary<(string Name, string Version), VersionedKey> _versions = new();
    private readonly ConcurrentDictionary<string, (VersionedKey Key, DateTimeOffset ReadAt)> _current = new();
    private readonly ConcurrentDictionary<(string Name, string? Version), SemaphoreSlim> _gates = new();

    public KeyVaultSecretKeyStore(SecretClient client, TimeProvider timeProvider, TimeSpan? currentTtl = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _currentTtl = currentTtl ?? DefaultCurrentTtl;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_currentTtl, TimeSpan.Zero, nameof(currentTtl));
    }

    public async ValueTask<VersionedKey> GetCurrentAsync(string name, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (TryGetFreshCurrent(name, out var cached))
        {
            return cached;
        }

        var gate = _gates.GetOrAdd((name, null), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed it while this one waited.
            if (TryGetFreshCurrent(name, out cached))
            {
                return cached;
            }

            var key = await FetchAsync(name, version: null, ct).ConfigureAwait(false);
            _current[name] = (key, _time.GetUtcNow());
            _versions.TryAdd((name, key.Version), key);
            return key;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask<VersionedKey> GetVersionAsync(string name, string version, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(version);
        if (_versions.TryGetValue((name, version), out var cached))
        {
            return cached;
        }

        var gate = _gates.GetOrAdd((name, version), static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_versions.TryGetValue((name, version), out cached))
            {
                return cached;
            }

            var key = await FetchAsync(name, version, ct).ConfigureAwait(false);
            return _versions.GetOrAdd((name, version), key);
        }
        finally
        {
            gate.Release();
        }
    }

    private bool TryGetFreshCurrent(string name, out VersionedKey key)
    {
        if (_current.TryGetValue(name, out var entry) && _time.GetUtcNow() - entry.ReadAt < _currentTtl)
        {
            key = entry.Key;
            return true;
        }

        key = null!;
        return false;
    }

    private async Task<VersionedKey> FetchAsync(string name, string? version, CancellationToken ct)
    {
        var response = await _client.GetSecretAsync(name, version, ct).ConfigureAwait(false);
        var secret = response.Value;
        var readVersion = secret.Properties.Version;
        if (string.IsNullOrEmpty(readVersion))
        {
            throw new InvalidOperationException($"Key Vault secret '{name}' was returned without a version.");
        }

        return new VersionedKey(name, readVersion, Decode(name, secret.Value));
    }

    /// <summary>Errors name the secret but never include its value.</summary>
    private static byte[] Decode(string name, string? value)
    {
        byte[] material;
        try
        {
            material = Convert.FromBase64String(value?.Trim() ?? string.Empty);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException(
                $"Key Vault secret '{name}' is not base64; it must be base64 of {KeySize} random bytes.");
        }

        if (material.Length != KeySize)
        {
            var length = material.Length;
            CryptographicOperations.ZeroMemory(material);
            throw new InvalidOperationException(
                $"Key Vault secret '{name}' decodes to {length} bytes; it must be base64 of {KeySize} random bytes.");
        }

        return material;
    }
}
