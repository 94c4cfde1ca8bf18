using AsTracking.DevHost.Discovery;
using AsTracking.DevHost.Hosting;
using AsTracking.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AsTracking.DevHost;

/// <summary>A started DevHost. Dispose it to stop the app and, if it started one, its Azurite.</summary>
public sealed class RunningDevHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AzuriteProcess? _azurite;
    private int _disposed;

    internal RunningDevHost(WebApplication app, AzuriteProcess? azurite, Uri baseAddress, IReadOnlyList<FunctionDescriptor> functions, string storageDescription)
    {
        _app = app;
        _azurite = azurite;
        BaseAddress = baseAddress;
        Functions = functions;
        StorageDescription = storageDescription;
    }

    /// <summary>E.g. <c>http://127.0.0.1:7071/</c>; function routes are under <c>api/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The root service provider (the same container the functions resolve from).</summary>
    public IServiceProvider Services => _app.Services;

    public IConfiguration Configuration => _app.Configuration;

    /// <summary>The storage connection string in use: the embedded Azurite's, or the configured one.</summary>
    public string AzureWebJobsStorage => _app.Configuration[DevHostApp.StorageKey]!;

    /// <summary>True when the DevHost started its own Azurite (no <c>AzureWebJobsStorage</c> was configured).</summary>
    public bool UsesEmbeddedAzurite => _azurite is not null;

    /// <summary>What storage is used, without secrets, e.g. <c>embedded Azurite (blob 127.0.0.1:…)</c>.</summary>
    public string StorageDescription { get; }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    /// <summary>Cancelled when the host begins to stop (Ctrl+C, SIGTERM or <see cref="DisposeAsync"/>).</summary>
    public CancellationToken ApplicationStopping => _app.Lifetime.ApplicationStopping;

    /// <summary>An HttpClient with <see cref="BaseAddress"/>; the caller disposes it.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>
    /// Runs a timer function, or a queue function with <paramref name="input"/> as the message, directly (as
    /// <c>POST /admin/functions/{name}</c> does) and completes when it has finished; its exception propagates.
    /// </summary>
    public Task InvokeAsync(string functionName, string? input = null)
    {
        var invoker = _app.Services.GetRequiredService<OnDemandInvoker>();
        var function = invoker.Find(functionName) ?? throw new ArgumentException($"No function named '{functionName}'.", nameof(functionName));
        return invoker.Start(function, input).Completion;
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM), after it has stopped.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            if (_azurite is not null) await _azurite.DisposeAsync().ConfigureAwait(false);
        }
    }
}
