using System.Diagnostics;
using System.Globalization;
using System.Text;
using AsTracking.Core.Access;
using AsTracking.Core.Contracts;
using AsTracking.Core.Roll;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Hosting;
using AsTracking.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace AsTracking.Benchmarks;

/// <summary>
/// Roll upload throughput: a fresh school, a CSV of N pupils (default 2,000), uploaded through the real use case
/// (parse, validate, plan, per-field encryption, journal, transactions, audit) against a local Azurite.
/// Reports rows per second per run and the median; a second upload of the same file measures the no-change path.
/// </summary>
internal static class RollUploadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pupils = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        await using var azurite = await AzuriteProcess.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "organizations",
            ["AzureAd:ClientId"] = "a5a5a5a5-0000-4000-8000-000000000001",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAsTracking(configuration, new BenchEnvironment());
        await using var provider = services.BuildServiceProvider();
        var schools = provider.GetRequiredService<SchoolService>();
        var staff = provider.GetRequiredService<StaffService>();
        var roll = provider.GetRequiredService<RollService>();

        var csv = Encoding.UTF8.GetBytes(Csv(pupils));
        var admin = new Caller("a5a5a5a5-0000-4000-8000-0000000000aa", Guid.NewGuid().ToString(), true);
        var rates = new List<double>();
        var unchangedRates = new List<double>();
        Console.WriteLine($"roll upload: {pupils} pupils, {runs} runs, CSV {csv.Length / 1024} KiB, Azurite in memory, {Environment.ProcessorCount} cores");
        for (int run = 0; run <= runs; run++)
        {
            var schoolId = $"bench-{Guid.NewGuid():N}"[..30];
            await schools.PutAsync(admin, schoolId, new SchoolRequest
            {
                Name = "Bench", CodeOfConductSignedOn = new DateOnly(2026, 9, 1), CodeOfConductSignedBy = "Head", Status = Core.Schools.SchoolStatus.Active,
            }, default);
            var oid = Guid.NewGuid().ToString();
            await staff.PutAsync(admin, schoolId, oid, new StaffRequest { TenantId = admin.TenantId, DisplayName = "Admin", Roles = [StaffRoleName.SchoolAdmin] }, default);
            var schoolAdmin = new Caller(admin.TenantId, oid, false);

            var sw = Stopwatch.StartNew();
            var result = await roll.UploadAsync(schoolAdmin, schoolId, RollFormat.Csv, "replace", csv, default);
            var first = sw.Elapsed;
            sw.Restart();
            var again = await roll.UploadAsync(schoolAdmin, schoolId, RollFormat.Csv, "replace", csv, default);
            var second = sw.Elapsed;
            if (result.Added != pupils || again.Unchanged != pupils) throw new InvalidOperationException("Unexpected roll result.");
            var label = run == 0 ? "warm-up" : $"run {run}";
            Console.WriteLine($"  {label}: new roll {first.TotalMilliseconds:F0} ms ({pupils / first.TotalSeconds:F0} rows/s); unchanged re-upload {second.TotalMilliseconds:F0} ms ({pupils / second.TotalSeconds:F0} rows/s)");
            if (run > 0)
            {
                rates.Add(pupils / first.TotalSeconds);
                unchangedRates.Add(pupils / second.TotalSeconds);
            }
        }
        Console.WriteLine($"median: new roll {Median(rates):F0} rows/s; unchanged re-upload {Median(unchangedRates):F0} rows/s");
        return 0;
    }

    /// <summary>A valid roll CSV of <paramref name="pupils"/> pupils across year groups 3-13.</summary>
    internal static string Csv(int pupils)
    {
        var sb = new StringBuilder("upn,givenName,familyName,dateOfBirth,yearGroup,tutorGroup,house\n");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (int i = 0; i < pupils; i++)
        {
            var body = $"8012{i:D8}";
            var year = 3 + i % 11;
            var dob = today.AddYears(-(year + 5)).AddDays(-(i % 300));
            sb.Append(CultureInfo.InvariantCulture, $"{Upn.CheckLetter(body)}{body},Given{i},Family{i},{dob:yyyy-MM-dd},{year},{year}{(char)('A' + i % 4)},House{i % 4}\n");
        }
        return sb.ToString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private sealed class BenchEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = "AsTracking.Benchmarks";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
