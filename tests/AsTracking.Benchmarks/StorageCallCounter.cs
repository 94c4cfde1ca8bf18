using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Http;

namespace AsTracking.Benchmarks;

/// <summary>
/// Counts and times every storage request the host's Azure SDK clients send, keyed by who caused it (the HTTP
/// route being served, or the queue pump) and by the operation (service, verb, table/container/queue). Reads the
/// current request through <see cref="HttpContextAccessor"/>, so the host must register it.
/// </summary>
internal sealed class StorageCallCounter(IReadOnlyDictionary<int, string> serviceByPort) : HttpPipelinePolicy
{
    public const string Background = "queue pump";

    private readonly HttpContextAccessor _current = new();
    private readonly ConcurrentDictionary<(string Caller, string Operation), Tally> _tallies = new();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = Stopwatch.GetTimestamp();
        ProcessNext(message, pipeline);
        Record(message, start);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = Stopwatch.GetTimestamp();
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        Record(message, start);
    }

    public void Reset() => _tallies.Clear();

    /// <summary>Calls per operation for one caller, with mean latency, divided by <paramref name="per"/> units of work.</summary>
    public IReadOnlyList<(string Operation, double Calls, double MeanMs)> Breakdown(string caller, int per) =>
        _tallies.Where(t => t.Key.Caller == caller)
            .Select(t => (t.Key.Operation, (double)t.Value.Count / per, Stopwatch.GetElapsedTime(0, t.Value.Ticks).TotalMilliseconds / t.Value.Count))
            .OrderByDescending(t => t.Item2).ThenBy(t => t.Operation, StringComparer.Ordinal).ToList();

    private void Record(HttpMessage message, long start)
    {
        var elapsed = Stopwatch.GetTimestamp() - start;
        var request = _current.HttpContext?.Request;
        var caller = request is null ? Background : $"{request.Method} {request.Path}";
        var tally = _tallies.GetOrAdd((caller, Operation(message)), _ => new Tally());
        Interlocked.Increment(ref tally.Count);
        Interlocked.Add(ref tally.Ticks, elapsed);
    }

    /// <summary>E.g. <c>table POST $batch</c>, <c>table GET Schools (point)</c>, <c>blob PUT submissions</c>, <c>queue POST assessment-scoring</c>.</summary>
    private string Operation(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        var service = serviceByPort.GetValueOrDefault(uri.Port, "other");
        // Path: /{account}/{resource}[(keys)][/...]
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Length > 1 ? segments[1] : "(account)";
        var kind = service == "table" && message.Request.Method == RequestMethod.Get
            ? resource.Contains("PartitionKey=", StringComparison.Ordinal) ? " (point)" : " (query)"
            : "";
        return $"{service} {message.Request.Method} {resource.Split('(')[0]}{kind}";
    }

    private sealed class Tally
    {
        public long Count;
        public long Ticks;
    }
}
