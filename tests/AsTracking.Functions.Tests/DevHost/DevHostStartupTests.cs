using System.Net;
using System.Net.Sockets;
using AsTracking.DevHost;
using AsTracking.Local;
using AsTracking.Testing;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Tests.DevHost;

public sealed class DevHostStartupTests
{
    [Fact]
    public async Task Without_AzureWebJobsStorage_it_starts_embedded_Azurite_serves_health_and_stops_Azurite_on_dispose()
    {
        var host = await DevHostApp.StartAsync(["--port", "0"], new DevHostSettings
        {
            // Highest priority, so an AzureWebJobsStorage in the environment cannot leak in.
            Configuration = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "" },
            ConfigureLogging = logging => logging.ClearProviders(),
        });
        int queuePort;
        try
        {
            Assert.True(host.UsesEmbeddedAzurite);
            Assert.StartsWith("embedded Azurite", host.StorageDescription, StringComparison.Ordinal);
            Assert.DoesNotContain(AzuriteProcess.AccountKey, host.StorageDescription, StringComparison.Ordinal);
            Assert.Equal("127.0.0.1", host.BaseAddress.Host);
            Assert.NotEqual(0, host.BaseAddress.Port);
            Assert.NotEqual(7071, host.BaseAddress.Port);

            var queue = new QueueClient(host.AzureWebJobsStorage, "startup-check");
            await queue.CreateIfNotExistsAsync();
            queuePort = queue.Uri.Port;

            using var client = host.CreateClient();
            using var health = await client.GetAsync("api/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }

        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, queuePort));
    }

}

[Collection(DevHostAzuriteCollection.Name)]
public sealed class DevHostConfigurationTests
{
    private readonly AzuriteFixture _azurite;

    public DevHostConfigurationTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Development_identity_defaults_apply_only_where_configuration_is_not_set()
    {
        var root = DevDefaults.FindRepositoryRoot();
        await using var host = await DevHostApp.StartAsync([], new DevHostSettings
        {
            Port = 0,
            Configuration = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = _azurite.ConnectionString,
                ["AzureAd:ClientId"] = "overridden-client",
            },
            ConfigureLogging = logging => logging.ClearProviders(),
        });

        var configuration = host.Configuration;
        Assert.Equal("Development", host.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
        Assert.Equal("overridden-client", configuration["AzureAd:ClientId"]);
        Assert.Equal(DevDefaults.Instance, configuration["AzureAd:Instance"]);
        Assert.Equal("organizations", configuration["AzureAd:TenantId"]);
        Assert.Equal(DevDefaults.DevTenantIds, configuration["AzureAd:DevTenantIds"]);
        Assert.Equal(Path.Combine(root, ".devhost", "dev-signing-key.pub.pem"), configuration["AzureAd:DevSigningKeyPemFile"]);
        Assert.Equal(Path.Combine(root, ".devhost", "keyring.json"), configuration["KeyVault:DevKeyRingFile"]);
        Assert.True(File.Exists(configuration["AzureAd:DevSigningKeyPemFile"]));
        Assert.False(host.UsesEmbeddedAzurite);
        Assert.StartsWith("AzureWebJobsStorage (account devstoreaccount1", host.StorageDescription, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteProcess.AccountKey, host.StorageDescription, StringComparison.Ordinal);
        // host.json's extensions.queues are read, with the DevHost section on top.
        Assert.Equal("5", configuration["DevHost:Queues:maxDequeueCount"]);
    }
}
