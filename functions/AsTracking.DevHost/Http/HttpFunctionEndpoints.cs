using System.Diagnostics;
using System.Text.Json;
using AsTracking.DevHost.Discovery;
using AsTracking.DevHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.DevHost.Http;

/// <summary>
/// Maps each HTTP function to <c>/{routePrefix}/{Route}</c> for its verbs. Every request runs in a fresh DI scope
/// that becomes <see cref="HttpContext.RequestServices"/>, as in the worker's ASP.NET Core integration.
/// </summary>
internal static class HttpFunctionEndpoints
{
    public static void Map(WebApplication app, IEnumerable<FunctionDescriptor> functions, string routePrefix)
    {
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AsTracking.DevHost.Http");
        var prefix = routePrefix.Trim('/');

        foreach (var function in functions.Where(f => f.Kind == TriggerKind.Http))
        {
            var invoker = new FunctionInvoker(function);
            var pattern = "/" + (prefix.Length == 0 ? function.Route : prefix + "/" + function.Route);
            RequestDelegate handler = context => HandleAsync(context, invoker, scopes, logger);
            var endpoint = function.HttpMethods.Count == 0
                ? app.Map(pattern, handler)
                : app.MapMethods(pattern, function.HttpMethods, handler);
            endpoint.WithDisplayName(function.Name);
        }
    }

    private static async Task HandleAsync(HttpContext context, FunctionInvoker invoker, IServiceScopeFactory scopes, ILogger logger)
    {
        var original = context.RequestServices;
        var scope = scopes.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        try
        {
            var result = await invoker.InvokeAsync(scope.ServiceProvider, parameter => Bind(context, parameter)).ConfigureAwait(false);
            await WriteResultAsync(context, result).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            logger.LogDebug("Function {Function} was cancelled: the client went away", invoker.Function.Name);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's own request errors (e.g. 413 body too large) keep their status, as in the worker.
            logger.LogInformation("Function {Function}: bad request ({Status})", invoker.Function.Name, ex.StatusCode);
            context.Response.Clear();
            context.Response.StatusCode = ex.StatusCode;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Function {Function} failed for {Method} {Path}", invoker.Function.Name, context.Request.Method, context.Request.Path.Value);
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                await WriteInternalErrorAsync(context).ConfigureAwait(false);
            }
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
            context.RequestServices = original;
        }
    }

    private static object? Bind(HttpContext context, System.Reflection.ParameterInfo parameter)
    {
        if (parameter.ParameterType == typeof(HttpRequest)) return context.Request;
        if (parameter.ParameterType == typeof(CancellationToken)) return context.RequestAborted;
        // Discovery allows only string route values besides these; RouteValues is case-insensitive.
        return context.Request.RouteValues.TryGetValue(parameter.Name!, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static Task WriteResultAsync(HttpContext context, object? result) => result switch
    {
        null => Task.CompletedTask,
        IActionResult actionResult => actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())),
        IResult httpResult => httpResult.ExecuteAsync(context),
        _ => new ObjectResult(result).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())),
    };

    /// <summary>500 as problem+json, never with exception details.</summary>
    internal static async Task WriteInternalErrorAsync(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "application/problem+json";
        var problem = new Dictionary<string, object?>
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.6.1",
            ["title"] = "An unexpected error occurred.",
            ["status"] = StatusCodes.Status500InternalServerError,
            ["code"] = "internal-error",
            ["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier,
        };
        await JsonSerializer.SerializeAsync(context.Response.Body, problem, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }
}
