using AsTracking.Testing;

namespace AsTracking.Functions.Tests.Support;

// xunit only finds collection definitions in the test assembly itself.
[CollectionDefinition(AzuriteCollection.Name)]
public sealed class AzuriteCollectionDefinition : ICollectionFixture<AzuriteFixture>;
