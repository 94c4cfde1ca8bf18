using System.Diagnostics;

namespace AsTracking.Benchmarks;

/// <summary>Per-operation latencies of a bounded run at fixed concurrency.</summary>
internal sealed record LoadResult(int Count, long StartedAt, TimeSpan Elapsed, double[] SortedLatenciesMs)
{
    public double PerSecond => Count / Elapsed.TotalSeconds;
    public double P50 => Load.Percentile(SortedLatenciesMs, 0.50);
    public double P99 => Load.Percentile(SortedLatenciesMs, 0.99);
}

internal static class Load
{
    /// <summary>Runs operations 0..count-1 with exactly <paramref name="concurrency"/> in flight; the first failure fails the run.</summary>
    public static async Task<LoadResult> RunAsync(int count, int concurrency, Func<int, Task> operation, CancellationToken ct)
    {
        var latencies = new double[count];
        var next = -1;
        var startedAt = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                ct.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                await operation(i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }, ct)));
        var elapsed = Stopwatch.GetElapsedTime(startedAt);
        Array.Sort(latencies);
        return new LoadResult(count, startedAt, elapsed, latencies);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
