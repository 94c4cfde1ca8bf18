using System.Diagnostics;
using System.Reflection;

namespace AsTracking.Infra.Tests.Support;

/// <summary>
/// Runs the Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64, whose path MSBuild wrote into
/// this assembly at build time. Falls back to a <c>bicep</c> on PATH (for example on Windows or macOS). Offline.
/// </summary>
internal static class BicepCli
{
    public static string Path { get; } = Locate();

    public static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Keep the CLI quiet and offline: no telemetry, no update checks.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + Path);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("bicep " + string.Join(' ', arguments) + " did not finish in 3 minutes.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Locate()
    {
        var fromPackage = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BicepCli")?.Value;
        if (OperatingSystem.IsLinux() && !string.IsNullOrEmpty(fromPackage) && File.Exists(fromPackage))
        {
            return fromPackage;
        }
        return "bicep";
    }
}
