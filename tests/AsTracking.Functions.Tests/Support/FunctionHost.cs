using System.Reflection;
using System.Text;
using System.Text.Json;
using AsTracking.Functions.Hosting;
using AsTracking.Functions.Http.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace AsTracking.Functions.Tests.Support;

/// <summary>
/// Builds the app's real DI composition (AddAsTracking) against Azurite and invokes function classes directly,
/// each call in a fresh DI scope with a DefaultHttpContext, as architecture.md describes.
/// </summary>
public sealed class FunctionHost : IAsyncDisposable
{
    private readonly ServiceProvider _root;

    public FunctionHost(string storageConnectionString, TestTokens tokens, string environment = "Development",
        IDictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "organizations",
            ["AzureAd:ClientId"] = TestTokens.ClientId,
            ["AzureAd:DevSigningKeyPemFile"] = tokens.PublicKeyPemFile,
            ["AzureAd:DevTenantIds"] = $"{TestTokens.TenantA},{TestTokens.TenantB}",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(Configuration);
        services.AddAsTracking(Configuration, new TestEnvironment(environment));
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        configure?.Invoke(services);
        _root = services.BuildServiceProvider();
    }

    public IConfiguration Configuration { get; }

    public IServiceProvider Services => _root;

    /// <summary>Invokes one function method on a fresh instance of its class.</summary>
    public async Task<ApiResponse> InvokeAsync<TFunction>(Func<TFunction, HttpRequest, Task<IActionResult>> call, HttpRequestSpec spec)
        where TFunction : class
    {
        await using var scope = _root.CreateAsyncScope();
        var context = spec.ToContext(scope.ServiceProvider);
        var function = ActivatorUtilities.CreateInstance<TFunction>(scope.ServiceProvider);
        var result = await call(function, context.Request);
        return await ExecuteAsync(context, result);
    }

    /// <summary>Invokes a function found by reflection, binding route parameters by name.</summary>
    public async Task<ApiResponse> InvokeAsync(MethodInfo method, HttpRequestSpec spec, IReadOnlyDictionary<string, string> routeValues)
    {
        await using var scope = _root.CreateAsyncScope();
        var context = spec.ToContext(scope.ServiceProvider);
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var args = method.GetParameters().Select(object? (p) => p.ParameterType == typeof(HttpRequest) ? context.Request
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : p.ParameterType == typeof(string) ? routeValues[p.Name!]
            : throw new NotSupportedException(p.ParameterType.Name)).ToArray();
        var result = await (Task<IActionResult>)method.Invoke(instance, args)!;
        return await ExecuteAsync(context, result);
    }

    private static async Task<ApiResponse> ExecuteAsync(DefaultHttpContext context, IActionResult result)
    {
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return new ApiResponse(context.Response.StatusCode, context.Response.ContentType, Encoding.UTF8.GetString(body.ToArray()),
            context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
    }

    public async ValueTask DisposeAsync() => await _root.DisposeAsync();

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "AsTracking.Functions";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

public sealed record HttpRequestSpec(string Method, string Path, string? Token = null, object? Json = null, string? RawBody = null,
    string? ContentType = null, string? Query = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public DefaultHttpContext ToContext(IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        var request = context.Request;
        request.Method = Method;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1");
        request.Path = Path;
        if (Query is not null) request.QueryString = new QueryString(Query.StartsWith('?') ? Query : "?" + Query);
        if (Token is not null) request.Headers.Authorization = "Bearer " + Token;
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>()) request.Headers[name] = value;
        byte[]? bytes = RawBody is not null ? Encoding.UTF8.GetBytes(RawBody)
            : Json is not null ? JsonSerializer.SerializeToUtf8Bytes(Json, Json.GetType(), ApiJson.Options) : null;
        if (bytes is not null)
        {
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            // "" sends no Content-Type at all.
            request.ContentType = ContentType == "" ? null : ContentType ?? "application/json";
        }
        return context;
    }
}

public sealed record ApiResponse(int Status, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Code => ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true
        ? Json.GetProperty("code").GetString()
        : null;

    public override string ToString() => $"{Status} {Body}";
}
