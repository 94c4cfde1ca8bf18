using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AsTracking.DevHost;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Tests.EndToEnd;

/// <summary>The real function app in the DevHost over HTTP, against the shared Azurite, with short queue delays.</summary>
internal sealed class AppDevHost : IAsyncDisposable
{
    private AppDevHost(RunningDevHost host, TestTokens tokens)
    {
        Host = host;
        Tokens = tokens;
        Client = host.CreateClient();
    }

    public RunningDevHost Host { get; }
    public TestTokens Tokens { get; }
    public HttpClient Client { get; }

    public static async Task<AppDevHost> StartAsync(AzuriteFixture azurite)
    {
        var tokens = new TestTokens();
        var host = await DevHostApp.StartAsync([], new DevHostSettings
        {
            Port = 0,
            EnvironmentName = "Development",
            Configuration = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["AzureAd:ClientId"] = TestTokens.ClientId,
                ["AzureAd:DevSigningKeyPemFile"] = tokens.PublicKeyPemFile,
                ["AzureAd:DevTenantIds"] = $"{TestTokens.TenantA},{TestTokens.TenantB}",
                ["KeyVault:DevKeyRingFile"] = "",
                ["DevHost:Queues:VisibilityTimeout"] = "00:00:00.100",
                ["DevHost:Queues:MaxPollingInterval"] = "00:00:00.100",
            },
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        });
        return new AppDevHost(host, tokens);
    }

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token = null, object? json = null, string? csv = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = JsonContent.Create(json, json.GetType(), options: ApiJson.Options);
        if (csv is not null) request.Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        Tokens.Dispose();
    }
}
