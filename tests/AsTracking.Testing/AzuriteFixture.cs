using AsTracking.Local;
using Xunit;

namespace AsTracking.Testing;

/// <summary>
/// One Azurite per test assembly, on free ports, in memory; started and stopped by the fixture so parallel
/// runs never collide. Tests isolate themselves with unique table, container and queue names or school ids.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    /// <summary>A storage name unique to one test: lower-case letters and digits only, valid for tables, containers and queues.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
