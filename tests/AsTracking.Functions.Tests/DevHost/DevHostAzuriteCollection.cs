using AsTracking.Testing;

namespace AsTracking.Functions.Tests.DevHost;

/// <summary>
/// xunit 2 looks for collection definitions only in the test assembly, so the DevHost tests define their own
/// collection over the shared <see cref="AzuriteFixture"/>: one Azurite for all DevHost end-to-end tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DevHostAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "devhost-azurite";
}
