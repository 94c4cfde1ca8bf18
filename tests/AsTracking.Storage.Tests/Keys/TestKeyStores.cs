using AsTracking.Core.Ports;

namespace AsTracking.Storage.Tests.Keys;

/// <summary>A key store with fixed key material, so outputs are reproducible across instances.</summary>
internal sealed class FixedKeyStore(byte[] material, string version = "v1") : ISecretKeyStore
{
    public ValueTask<VersionedKey> GetCurrentAsync(string name, CancellationToken ct) =>
        ValueTask.FromResult(new VersionedKey(name, version, material));

    public ValueTask<VersionedKey> GetVersionAsync(string name, string requested, CancellationToken ct) =>
        requested == version
            ? ValueTask.FromResult(new VersionedKey(name, version, material))
            : throw new KeyNotFoundException();
}

/// <summary>A clock that only moves when a test says so.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
