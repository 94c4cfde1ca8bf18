using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace AsTracking.Functions.Tests.Support;

/// <summary>
/// Records every storage round trip (method and unescaped path, one entry per try, so retries count too) that the
/// app's Table, Blob and Queue service clients make.
/// </summary>
public sealed class StorageCallRecorder : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<string> _calls = new();

    public IReadOnlyList<string> Calls => [.. _calls];

    public void Clear() => _calls.Clear();

    public override void OnSendingRequest(HttpMessage message) =>
        _calls.Enqueue($"{message.Request.Method} {Uri.UnescapeDataString(message.Request.Uri.ToUri().AbsolutePath)}");

    /// <summary>
    /// Adds the recorder to every client the app registers through AddAzureClients (the defaults apply to each
    /// client's options when the factory builds it), so the app's own composition is measured unchanged.
    /// </summary>
    public void AddTo(IServiceCollection services) =>
        services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.AddPolicy(this, HttpPipelinePosition.PerRetry)));
}
