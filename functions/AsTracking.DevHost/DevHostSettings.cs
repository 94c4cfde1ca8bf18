using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.DevHost;

/// <summary>How <see cref="DevHostApp.StartAsync"/> builds the host. Every property is optional.</summary>
public sealed class DevHostSettings
{
    /// <summary>Assemblies whose public <c>[Function]</c> methods are hosted. Default: the AsTracking.Functions assembly.</summary>
    public IReadOnlyList<Assembly>? FunctionAssemblies { get; init; }

    /// <summary>Only types passing this filter are scanned (e.g. one namespace of a test assembly).</summary>
    public Func<Type, bool>? FunctionTypeFilter { get; init; }

    /// <summary>Configuration with the highest priority, e.g. <c>AzureWebJobsStorage</c> or <c>DevHost:Queues:VisibilityTimeout</c>.</summary>
    public IReadOnlyDictionary<string, string?>? Configuration { get; init; }

    /// <summary>Listen URL; overrides <c>--urls</c>/<c>--port</c>. Port 0 picks a free port.</summary>
    public string? Urls { get; init; }

    /// <summary>Listen on <c>http://127.0.0.1:{Port}</c>; 0 picks a free port. Ignored when <see cref="Urls"/> is set.</summary>
    public int? Port { get; init; }

    /// <summary>Default: <c>DOTNET_ENVIRONMENT</c>/<c>ASPNETCORE_ENVIRONMENT</c>/<c>--environment</c>, else Development.</summary>
    public string? EnvironmentName { get; init; }

    /// <summary>Default: found upwards from the binaries (package.json next to host.json).</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>Runs after <c>AddAsTracking</c> and the DevHost's own registrations, so it can replace services.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>E.g. <c>logging => logging.ClearProviders()</c> in tests.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
