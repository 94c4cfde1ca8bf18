using System.Globalization;
using AsTracking.DevHost.Discovery;
using AsTracking.DevHost.Hosting;
using AsTracking.DevHost.Http;
using AsTracking.DevHost.Identity;
using AsTracking.DevHost.Queues;
using AsTracking.DevHost.Timers;
using AsTracking.Functions.Hosting;
using AsTracking.Local;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AsTracking.DevHost;

/// <summary>
/// Builds and starts the DevHost: an ASP.NET Core app that hosts the function classes with the function app's own
/// DI setup (<see cref="ServiceRegistration.AddAsTracking"/>), HTTP routes, queue pumps and timers. Used by
/// Program.cs and, in process, by the end-to-end tests.
/// </summary>
public static class DevHostApp
{
    public const string StorageKey = "AzureWebJobsStorage";

    /// <summary>Starts the host and returns once it is listening. Dispose the result to stop it (and its Azurite).</summary>
    /// <param name="args">Command-line arguments: any configuration (<c>--Key=value</c>), <c>--urls</c>, <c>--port</c>, <c>--environment</c>.</param>
    public static async Task<RunningDevHost> StartAsync(string[] args, DevHostSettings? settings = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        settings ??= new DevHostSettings();
        var repositoryRoot = settings.RepositoryRoot ?? DevDefaults.FindRepositoryRoot();

        // Fail on functions the DevHost cannot host before starting anything.
        var functions = FunctionDiscovery.Discover(
            settings.FunctionAssemblies ?? [FunctionDiscovery.FunctionAppAssembly], settings.FunctionTypeFilter);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = settings.EnvironmentName ?? EnvironmentFrom(args) ?? DevDefaults.EnvironmentName,
            ApplicationName = typeof(DevHostApp).Assembly.GetName().Name,
        });

        // Lowest priority: development defaults, then host.json. Everything the builder loaded wins over them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = HostJson.Read(HostJson.Locate(repositoryRoot)) });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = BaseDefaults(repositoryRoot) });
        if (settings.Configuration is not null) builder.Configuration.AddInMemoryCollection(settings.Configuration);

        DevSigningKeys.EnsureCreated(repositoryRoot);

        builder.WebHost.UseUrls(ListenUrl(settings, builder.Configuration));
        settings.ConfigureLogging?.Invoke(builder.Logging);

        AzuriteProcess? azurite = null;
        WebApplication? app = null;
        try
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration[StorageKey]))
            {
                azurite = await AzuriteProcess.StartAsync(repositoryRoot, ct: ct).ConfigureAwait(false);
                // Before any service is built, so AddAsTracking and the pumps see it like any other setting.
                builder.Configuration[StorageKey] = azurite.ConnectionString;
            }

            var queueOptions = builder.Configuration.GetSection(QueueRuntimeOptions.SectionName).Get<QueueRuntimeOptions>() ?? new QueueRuntimeOptions();
            queueOptions.Validate();

            builder.Services.AddAsTracking(builder.Configuration, builder.Environment);
            builder.Services.AddMvcCore();
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(new FunctionCatalog(functions));
            builder.Services.AddSingleton(queueOptions);
            builder.Services.AddSingleton<FunctionRuntime>();
            builder.Services.AddSingleton<TimerTriggerService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerTriggerService>());
            builder.Services.AddHostedService<QueueTriggerService>();
            builder.Services.AddSingleton<OnDemandInvoker>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<OnDemandInvoker>());
            settings.ConfigureServices?.Invoke(builder.Services);

            app = builder.Build();
            HttpFunctionEndpoints.Map(app, functions, app.Configuration[HostJson.RoutePrefixKey] ?? "api");
            AdminEndpoints.Map(app);

            await app.StartAsync(ct).ConfigureAwait(false);

            var storage = azurite is not null
                ? $"embedded Azurite (blob 127.0.0.1:{azurite.BlobPort}, queue 127.0.0.1:{azurite.QueuePort}, table 127.0.0.1:{azurite.TablePort})"
                : DescribeStorage(app.Configuration[StorageKey]!);
            return new RunningDevHost(app, azurite, BaseAddress(app.Urls), functions, storage);
        }
        catch
        {
            if (app is not null) await app.DisposeAsync().ConfigureAwait(false);
            if (azurite is not null) await azurite.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Dictionary<string, string?> BaseDefaults(string repositoryRoot)
    {
        var defaults = new Dictionary<string, string?>(DevDefaults.Configuration(repositoryRoot), StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Azure"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss ",
        };
        return defaults;
    }

    private static string? EnvironmentFrom(string[] args)
    {
        var probe = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build();
        var environment = probe[HostDefaults.EnvironmentKey];
        return string.IsNullOrWhiteSpace(environment) ? null : environment;
    }

    private static string ListenUrl(DevHostSettings settings, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(settings.Urls)) return settings.Urls;
        if (settings.Port is int port) return Loopback(port);
        var portText = configuration["port"];
        if (!string.IsNullOrWhiteSpace(portText))
        {
            return int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                ? Loopback(p)
                : throw new InvalidOperationException($"--port must be a number from 0 to 65535, not '{portText}'.");
        }
        var urls = configuration["urls"];
        return string.IsNullOrWhiteSpace(urls) ? DevDefaults.Url : urls;
    }

    private static string Loopback(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    private static Uri BaseAddress(ICollection<string> urls)
    {
        var first = urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls.First();
        var uri = new UriBuilder(first);
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*") uri.Host = "127.0.0.1";
        uri.Path = "/";
        return uri.Uri;
    }

    /// <summary>Names the account and endpoints only: never the key or a SAS.</summary>
    private static string DescribeStorage(string connectionString)
    {
        if (connectionString.Trim().Equals("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            return "AzureWebJobsStorage (development storage)";
        }
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var account = parts.GetValueOrDefault("AccountName") ?? "?";
        var queue = parts.GetValueOrDefault("QueueEndpoint");
        return queue is null ? $"AzureWebJobsStorage (account {account})" : $"AzureWebJobsStorage (account {account}, queues {queue})";
    }
}
