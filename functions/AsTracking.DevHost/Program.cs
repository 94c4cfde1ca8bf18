using AsTracking.DevHost;
using AsTracking.DevHost.Identity;

// dotnet run --project functions/AsTracking.DevHost [-- --port 7071 | --urls http://127.0.0.1:0 | token --oid <guid> ...]
if (args.Length > 0 && args[0] == TokenCommand.Name)
{
    return TokenCommand.Run(args[1..], Console.Out, Console.Error);
}

// Ctrl+C while starting (Azurite, storage) cancels the start; once running, the host's own lifetime handles it.
using var starting = new CancellationTokenSource();
ConsoleCancelEventHandler cancelStart = (_, e) =>
{
    e.Cancel = true;
    starting.Cancel();
};
Console.CancelKeyPress += cancelStart;

RunningDevHost host;
try
{
    host = await DevHostApp.StartAsync(args, ct: starting.Token);
}
catch (OperationCanceledException) when (starting.IsCancellationRequested)
{
    return 130;
}
catch (Exception ex) when (ex is InvalidOperationException or IOException)
{
    // Unhostable functions, bad settings, Azurite missing, or the port already in use.
    Console.Error.WriteLine("AS Tracking DevHost could not start: " + ex.Message);
    return 1;
}
finally
{
    Console.CancelKeyPress -= cancelStart;
}

await using (host)
{
    Console.WriteLine("storage: " + host.StorageDescription);
    Console.WriteLine("AS Tracking DevHost ready at " + host.BaseAddress.GetLeftPart(UriPartial.Authority));
    await host.WaitForShutdownAsync();
}
return 0;
