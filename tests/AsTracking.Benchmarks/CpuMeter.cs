using System.Diagnostics;
using System.Globalization;

namespace AsTracking.Benchmarks;

/// <summary>
/// CPU time of this process (load client, DevHost and its queue pump) and of Azurite, the node child process, so a
/// phase can be charged per operation to each side. Azurite is found through Linux's /proc children lists; elsewhere
/// its share reads as zero.
/// </summary>
internal sealed class CpuMeter
{
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly Process? _azurite = FindNodeChild();

    public bool SeesAzurite => _azurite is not null;

    public CpuSample Sample()
    {
        _self.Refresh();
        _azurite?.Refresh();
        return new CpuSample(_self.TotalProcessorTime, _azurite?.TotalProcessorTime ?? TimeSpan.Zero);
    }

    private static Process? FindNodeChild()
    {
        if (!Directory.Exists("/proc/self/task")) return null;
        foreach (var children in Directory.EnumerateDirectories("/proc/self/task").Select(t => Path.Combine(t, "children")).Where(File.Exists))
        {
            foreach (var pid in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                if (process.ProcessName == "node") return process;
                process.Dispose();
            }
        }
        return null;
    }
}

internal readonly record struct CpuSample(TimeSpan Host, TimeSpan Azurite)
{
    /// <summary>E.g. <c>host 1.2 + Azurite 3.4 ms</c> of CPU per operation since <paramref name="start"/>.</summary>
    public string PerOperation(CpuSample start, int operations) =>
        $"host {(Host - start.Host).TotalMilliseconds / operations:F1} + Azurite {(Azurite - start.Azurite).TotalMilliseconds / operations:F1} ms CPU";
}
