using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using AsTracking.DevHost.Discovery;
using AsTracking.DevHost.Http;
using AsTracking.DevHost.Timers;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsTracking.DevHost.Hosting;

/// <summary>
/// Runs a timer or queue function on demand, like the host's admin API. Invocations run in the background and
/// are awaited (with cancellation) when the host stops.
/// </summary>
internal sealed class OnDemandInvoker : IHostedService
{
    private readonly FunctionCatalog _catalog;
    private readonly FunctionRuntime _runtime;
    private readonly TimerTriggerService _timers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    public OnDemandInvoker(FunctionCatalog catalog, FunctionRuntime runtime, TimerTriggerService timers, TimeProvider time, ILogger<OnDemandInvoker> logger)
    {
        _catalog = catalog;
        _runtime = runtime;
        _timers = timers;
        _time = time;
        _logger = logger;
    }

    public FunctionDescriptor? Find(string name) => _catalog.Find(name);

    /// <summary>Starts the function and returns its invocation id and the task that completes with it.</summary>
    public (Guid InvocationId, Task Completion) Start(FunctionDescriptor function, string? input)
    {
        if (function.Kind == TriggerKind.Http) throw new InvalidOperationException($"Function '{function.Name}' is an HTTP function; call its route.");
        var id = Guid.NewGuid();
        var task = Task.Run(() => RunAsync(id, function, input, _stopping.Token));
        _running[id] = task;
        _ = task.ContinueWith(t => { _ = t.Exception; _running.TryRemove(id, out Task? _); }, TaskScheduler.Default);
        return (id, task);
    }

    private async Task RunAsync(Guid id, FunctionDescriptor function, string? input, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Admin invocation {InvocationId} of {Function} started", id, function.Name);
        try
        {
            if (function.Kind == TriggerKind.Timer)
            {
                var now = _time.GetUtcNow().UtcDateTime;
                var info = TimerTriggerService.CreateTimerInfo(_timers.ScheduleOf(function), DateTime.MinValue, now, isPastDue: false, _time);
                await _runtime.RunTimerFunctionAsync(function, info, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var now = _time.GetUtcNow();
                var message = QueuesModelFactory.QueueMessage(
                    messageId: id.ToString("D"), popReceipt: "admin", body: BinaryData.FromString(input ?? string.Empty), dequeueCount: 1,
                    nextVisibleOn: now, insertedOn: now, expiresOn: now.AddDays(7));
                await _runtime.RunQueueFunctionAsync(function, message, cancellationToken).ConfigureAwait(false);
            }
            _logger.LogInformation("Admin invocation {InvocationId} of {Function} succeeded", id, function.Name);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Admin invocation {InvocationId} of {Function} failed", id, function.Name);
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Failures were logged; a stop that times out leaves them behind.
        }
    }
}

internal static class AdminEndpoints
{
    public const string Route = "/admin/functions/{name}";

    /// <summary>
    /// <c>POST /admin/functions/{name}</c>: 202 and the function runs in the background; 404 for an unknown name.
    /// For a queue function the body is the message: the raw body, or <c>input</c> of a host-style
    /// <c>{"input": "..."}</c> body. <c>?wait=true</c> waits and answers 200, or 500 if the function failed.
    /// </summary>
    public static void Map(WebApplication app)
    {
        app.MapPost(Route, async (HttpContext context, string name, OnDemandInvoker invoker) =>
        {
            var function = invoker.Find(name);
            if (function is null)
            {
                await ProblemAsync(context, StatusCodes.Status404NotFound, "not-found", $"No function named '{name}'.").ConfigureAwait(false);
                return;
            }
            if (function.Kind == TriggerKind.Http)
            {
                await ProblemAsync(context, StatusCodes.Status400BadRequest, "validation-failed",
                    $"'{function.Name}' is an HTTP function: call its route instead.").ConfigureAwait(false);
                return;
            }

            string? input = null;
            if (function.Kind == TriggerKind.Queue)
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                input = HostStyleInput(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false));
                if (string.IsNullOrEmpty(input))
                {
                    await ProblemAsync(context, StatusCodes.Status400BadRequest, "validation-failed",
                        $"'{function.Name}' is a queue function: send the message as the request body.").ConfigureAwait(false);
                    return;
                }
            }

            var (id, completion) = invoker.Start(function, input);
            if (!string.Equals(context.Request.Query["wait"], "true", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                await context.Response.WriteAsJsonAsync(new { name = function.Name, invocationId = id }).ConfigureAwait(false);
                return;
            }
            try
            {
                await completion.ConfigureAwait(false);
                await context.Response.WriteAsJsonAsync(new { name = function.Name, invocationId = id, status = "succeeded" }).ConfigureAwait(false);
            }
            catch (Exception)
            {
                await HttpFunctionEndpoints.WriteInternalErrorAsync(context).ConfigureAwait(false);
            }
        });
    }

    private static string? HostStyleInput(string body)
    {
        if (body.Length == 0 || body.TrimStart()[0] != '{') return body;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Count() == 1
                && root.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.String)
            {
                return input.GetString();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body is the message as is.
        }
        return body;
    }

    private static async Task ProblemAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new Dictionary<string, object?>
        {
            ["type"] = status == 404 ? "https://tools.ietf.org/html/rfc9110#section-15.5.5" : "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = status == 404 ? "Not Found" : "Bad Request",
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
        }, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }
}
