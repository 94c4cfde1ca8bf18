using System.Collections.Concurrent;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

// Small function classes hosted by the DevHost in its end-to-end tests. They live in their own namespace so the
// tests can discover exactly these from the test assembly.
namespace AsTracking.Functions.Tests.DevHost.TestFunctions;

/// <summary>Scoped: a new instance per invocation scope.</summary>
public sealed class ScopeProbe
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>Singleton record of invocations, so tests can wait for and count them.</summary>
public sealed class InvocationLog
{
    private readonly ConcurrentQueue<(string Function, string Detail)> _entries = new();

    public void Add(string function, string detail) => _entries.Enqueue((function, detail));

    public IReadOnlyList<string> Of(string function) => _entries.Where(e => e.Function == function).Select(e => e.Detail).ToList();

    public async Task<IReadOnlyList<string>> WaitForAsync(string function, Func<IReadOnlyList<string>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var entries = Of(function);
            if (condition(entries)) return entries;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{function}: condition not met; saw {entries.Count} invocation(s): {string.Join(", ", entries)}");
            }
            await Task.Delay(20);
        }
    }
}

public sealed record WorkItem(string Id, bool Fail);

public sealed class EchoFunction
{
    private readonly ScopeProbe _probe;

    public EchoFunction(ScopeProbe probe) => _probe = probe;

    [Function("DevHostTestEcho")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "devhost-test/schools/{schoolId}/pupils/{pupilId}/echo")] HttpRequest req,
        string schoolId,
        string pupilid, // bound case-insensitively to {pupilId}
        CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(req.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        return new OkObjectResult(new
        {
            schoolId,
            pupilId = pupilid,
            method = req.Method,
            body,
            scopeId = _probe.Id,
            sameScopeAsRequestServices = ReferenceEquals(req.HttpContext.RequestServices.GetRequiredService<ScopeProbe>(), _probe),
            cancellable = cancellationToken.CanBeCanceled,
        });
    }
}

public static class StatusFunction
{
    [Function("DevHostTestStatus")]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "devhost-test/things/{thingId}")] HttpRequest req, string thingId) =>
        Results.Text("deleted " + thingId, statusCode: StatusCodes.Status202Accepted);
}

public sealed class FailingHttpFunction
{
    public const string Secret = "secret-detail-that-must-not-leak";

    [Function("DevHostTestBoom")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "devhost-test/boom")] HttpRequest req) =>
        throw new InvalidOperationException(Secret);
}

public sealed class WorkQueueFunction
{
    private readonly InvocationLog _log;

    public WorkQueueFunction(InvocationLog log) => _log = log;

    [Function("DevHostTestWork")]
    public Task Run([QueueTrigger("%DevHostTest:WorkQueue%")] WorkItem item, CancellationToken cancellationToken)
    {
        _log.Add("DevHostTestWork", item.Id);
        return item.Fail ? throw new InvalidOperationException("Failure requested by the test message.") : Task.CompletedTask;
    }
}

public sealed class RawQueueFunction
{
    private readonly InvocationLog _log;
    private readonly ScopeProbe _probe;

    public RawQueueFunction(InvocationLog log, ScopeProbe probe)
    {
        _log = log;
        _probe = probe;
    }

    [Function("DevHostTestRaw")]
    public ValueTask Run([QueueTrigger("%DevHostTest:RawQueue%")] QueueMessage message)
    {
        _log.Add("DevHostTestRaw", $"{message.Body}|{message.DequeueCount}|{_probe.Id}");
        return ValueTask.CompletedTask;
    }
}

public sealed class TextQueueFunction
{
    private readonly InvocationLog _log;

    public TextQueueFunction(InvocationLog log) => _log = log;

    [Function("DevHostTestText")]
    public void Run([QueueTrigger("%DevHostTest:TextQueue%")] string text) => _log.Add("DevHostTestText", text);
}

public sealed class NightlyTimerFunction
{
    private readonly InvocationLog _log;

    public NightlyTimerFunction(InvocationLog log) => _log = log;

    [Function("DevHostTestNightly")]
    public Task Run([TimerTrigger("0 0 2 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        _log.Add("DevHostTestNightly", timer.ScheduleStatus!.Next.ToString("O"));
        return Task.CompletedTask;
    }
}

public sealed class ConfiguredTimerFunction
{
    private readonly InvocationLog _log;

    public ConfiguredTimerFunction(InvocationLog log) => _log = log;

    [Function("DevHostTestConfiguredTimer")]
    public void Run([TimerTrigger("%DevHostTest:Schedule%")] TimerInfo timer) =>
        _log.Add("DevHostTestConfiguredTimer", timer.ScheduleStatus!.Last.ToString("O"));
}
