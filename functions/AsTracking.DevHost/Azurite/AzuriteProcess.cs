using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AsTracking.Local;

/// <summary>
/// Starts the Azurite emulator from the repository's node_modules on free loopback ports, in memory, and stops it
/// on dispose. Shared (as a linked source file) by the DevHost and the test fixtures so both start it the same way.
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable, IDisposable
{
    // Azurite's well-known development account; it is public and only ever used against the local emulator.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>Finds the repository root (the folder holding package.json and node_modules) upwards from a path.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "host.json")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    public static async Task<AzuriteProcess> StartAsync(string? repositoryRoot = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var root = repositoryRoot ?? FindRepositoryRoot(AppContext.BaseDirectory) ?? FindRepositoryRoot(Directory.GetCurrentDirectory())
            ?? throw new InvalidOperationException("Cannot find the repository root (package.json next to host.json) to start Azurite.");
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed. Run 'npm ci' in {root} first.");
        }

        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        Exception? last = null;
        // A port found free can be taken by another process before Azurite binds it, so try a few times.
        for (int attempt = 0; attempt < 5 && DateTime.UtcNow < deadline; attempt++)
        {
            int blob = FreePort(), queue = FreePort(), table = FreePort();
            var psi = new ProcessStartInfo("node")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                script, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--inMemoryPersistence", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            {
                psi.ArgumentList.Add(arg);
            }
            var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var azurite = new AzuriteProcess(process, blob, queue, table);
            try
            {
                await azurite.WaitUntilListeningAsync(deadline, ct).ConfigureAwait(false);
                return azurite;
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                last = ex;
                azurite.Dispose();
            }
        }
        throw new InvalidOperationException("Azurite did not start.", last);
    }

    private async Task WaitUntilListeningAsync(DateTime deadline, CancellationToken ct)
    {
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (true)
            {
                if (_process.HasExited) throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}.");
                if (DateTime.UtcNow > deadline) throw new TimeoutException("Azurite did not start listening in time.");
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, ct).ConfigureAwait(false);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, ct).ConfigureAwait(false);
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
