using AsTracking.Testing;

namespace AsTracking.Storage.Tests;

/// <summary>
/// xUnit 2 honours a [CollectionDefinition] only in the test assembly itself (analyzer xUnit1041), not in the
/// referenced AsTracking.Testing, so this assembly declares the shared Azurite collection. One per assembly:
/// every Azurite test class here uses [Collection(AzuriteCollection.Name)].
/// </summary>
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
