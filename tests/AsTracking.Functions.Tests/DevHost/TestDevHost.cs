using AsTracking.DevHost;
using AsTracking.Functions.Tests.DevHost.TestFunctions;
using AsTracking.Testing;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Tests.DevHost;

/// <summary>
/// A DevHost on a free port hosting the test function classes against the shared Azurite, with unique queue
/// names and short queue delays so retries and poison handling take well under a second per attempt.
/// </summary>
internal sealed class TestDevHost : IAsyncDisposable
{
    private TestDevHost(RunningDevHost host, string workQueue, string rawQueue, string textQueue)
    {
        Host = host;
        WorkQueue = Queue(workQueue);
        RawQueue = Queue(rawQueue);
        TextQueue = Queue(textQueue);
        Client = host.CreateClient();
    }

    public RunningDevHost Host { get; }
    public HttpClient Client { get; }
    public QueueClient WorkQueue { get; }
    public QueueClient RawQueue { get; }
    public QueueClient TextQueue { get; }
    public InvocationLog Log => Host.Services.GetRequiredService<InvocationLog>();

    public QueueClient Queue(string name) =>
        new(Host.AzureWebJobsStorage, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public static async Task<TestDevHost> StartAsync(AzuriteFixture azurite, string schedule = "0 0 0 1 1 *")
    {
        string work = AzuriteFixture.UniqueName("work"), raw = AzuriteFixture.UniqueName("raw"), text = AzuriteFixture.UniqueName("text");
        var host = await DevHostApp.StartAsync([], new DevHostSettings
        {
            Port = 0,
            FunctionAssemblies = [typeof(EchoFunction).Assembly],
            FunctionTypeFilter = t => t.Namespace == typeof(EchoFunction).Namespace,
            Configuration = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["DevHost:Queues:VisibilityTimeout"] = "00:00:00.050",
                ["DevHost:Queues:MaxPollingInterval"] = "00:00:00.200",
                ["DevHost:Queues:BatchSize"] = "8",
                ["DevHostTest:WorkQueue"] = work,
                ["DevHostTest:RawQueue"] = raw,
                ["DevHostTest:TextQueue"] = text,
                ["DevHostTest:Schedule"] = schedule,
            },
            ConfigureServices = services =>
            {
                services.AddSingleton<InvocationLog>();
                services.AddScoped<ScopeProbe>();
            },
            ConfigureLogging = logging => logging.ClearProviders(),
        });
        return new TestDevHost(host, work, raw, text);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the timeout passes.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for: " + what);
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
