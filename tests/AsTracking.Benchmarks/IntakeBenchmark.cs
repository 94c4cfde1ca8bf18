using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AsTracking.Core.UseCases;
using AsTracking.DevHost;
using AsTracking.DevHost.Identity;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Local;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.Benchmarks;

/// <summary>
/// Intake load run (issue 3, deliverable 7): the real function app in the DevHost over loopback HTTP, against an
/// in-memory Azurite, with its queue pump scoring as it would in Azure. One school, a roll of N pupils, one session
/// of N codes; N submissions at a fixed concurrency. Reports intake throughput and latency, submit-to-scored times
/// (from the submission records' Timestamps) and, against the same Azurite, the storage floor: the bare create-only
/// blob write and queue send that every submission needs. To show where the time goes it also counts the host's
/// storage calls per submission and the CPU each side (host, Azurite) spends per operation.
/// Arguments after the first two are DevHost configuration, e.g. <c>--DevHost:Queues:Enabled=false</c> for intake alone.
/// </summary>
internal static class IntakeBenchmark
{
    private const int WarmUpSubmissions = 2_000;
    private const int WarmUpPass = 100;
    private const int QuietJitPerPass = 10;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan ScoredTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(string[] args)
    {
        var submissions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
        var hostArgs = args.Skip(2).ToArray(); // DevHost configuration for diagnosis, e.g. --DevHost:Queues:Enabled=false
        if (submissions is < 1 or > SessionService.MaxPupils || concurrency < 1)
        {
            Console.Error.WriteLine($"intake [submissions=2000, 1-{SessionService.MaxPupils}] [concurrency=16] [--DevHost:Queues:Setting=value ...]");
            return 2;
        }
        using var timeout = new CancellationTokenSource(RunTimeout);
        var ct = timeout.Token;

        await using var azurite = await AzuriteProcess.StartAsync(ct: ct);
        using var minter = DevTokenMinter.WithEphemeralKey();
        var publicKeyFile = Path.Combine(Path.GetTempPath(), $"astracking-intake-{Guid.NewGuid():N}.pub.pem");
        await File.WriteAllTextAsync(publicKeyFile, minter.PublicKeyPem, ct);
        try
        {
            var counter = new StorageCallCounter(new Dictionary<int, string>
            {
                [azurite.BlobPort] = "blob", [azurite.QueuePort] = "queue", [azurite.TablePort] = "table",
            });
            await using var host = await StartHostAsync(hostArgs, azurite.ConnectionString, publicKeyFile, counter, ct);
            using var http = host.CreateClient();
            http.Timeout = TimeSpan.FromSeconds(30);
            var scoring = host.Configuration.GetValue("DevHost:Queues:Enabled", true);
            if (hostArgs.Length > 0) Console.WriteLine($"DevHost configuration: {string.Join(' ', hostArgs)}");
            var run = new Run(http, minter, new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.SchoolsTable), scoring);
            return await run.ExecuteAsync(azurite.ConnectionString, counter, submissions, concurrency, ct);
        }
        finally
        {
            File.Delete(publicKeyFile);
        }
    }

    private static Task<RunningDevHost> StartHostAsync(string[] hostArgs, string storage, string publicKeyFile, StorageCallCounter counter, CancellationToken ct) =>
        DevHostApp.StartAsync(hostArgs, new DevHostSettings
        {
            Port = 0,
            EnvironmentName = "Development",
            Configuration = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = storage,
                ["AzureAd:DevSigningKeyPemFile"] = publicKeyFile,
                ["KeyVault:DevKeyRingFile"] = "",
                ["DevHost:Queues:VisibilityTimeout"] = "00:00:00.100",
                ["DevHost:Queues:MaxPollingInterval"] = "00:00:00.100",
                ["Logging:LogLevel:Default"] = "Warning",
            },
            ConfigureServices = services =>
            {
                services.AddHttpContextAccessor();
                services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(counter, HttpPipelinePosition.PerRetry)));
            },
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        }, ct);

    /// <param name="scoring">False when the queue pumps are off: no submission is scored, so nothing waits for it.</param>
    private sealed class Run(HttpClient http, DevTokenMinter minter, TableClient schoolsTable, bool scoring)
    {
        private readonly string _schoolId = $"intake-{Guid.NewGuid():N}"[..24];
        private readonly string _warmUpSchoolId = $"warmup-{Guid.NewGuid():N}"[..24];

        public async Task<int> ExecuteAsync(string storage, StorageCallCounter counter, int count, int concurrency, CancellationToken ct)
        {
            Console.WriteLine($"intake: {count} submissions at concurrency {concurrency}; DevHost + Azurite in memory on 127.0.0.1, {Environment.ProcessorCount} cores");
            var sw = Stopwatch.StartNew();
            // Warm-up runs against a school of its own, so the measured school's partition holds only its own roll.
            var warmUpCodes = await SetUpSchoolAsync(_warmUpSchoolId, WarmUpSubmissions, ct);
            var codes = await SetUpSchoolAsync(_schoolId, count, ct);
            Console.WriteLine($"  setup: two schools (warm-up: roll of {WarmUpSubmissions}; measured: roll of {count}), staff, sessions: {sw.Elapsed.TotalSeconds:F1} s");

            // Warm-up: connections, and the JIT for both paths; its first blob gives the floor's payload size.
            var warmUpWatcher = new ScoredWatcher(schoolsTable, _warmUpSchoolId);
            var first = await SubmitAllAsync(warmUpCodes.Take(WarmUpPass).ToList(), concurrency, ct);
            if (scoring) await warmUpWatcher.ScoredAtAsync(ScoredTimeout, ct);
            var sealedSize = (await new BlobServiceClient(storage).GetBlobContainerClient(StorageNames.SubmissionsContainer)
                .GetBlobClient($"{_warmUpSchoolId}/{first.Ids[0]}.json").GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength;
            var floor = await StorageFloor.CreateAsync(storage, (int)sealedSize, ScoringMessageLike(first.Ids[0]), ct);
            var (warmUpUsed, lastPassJitted) = await WarmUpAsync(warmUpCodes, floor, warmUpWatcher, concurrency, ct);
            var watcher = new ScoredWatcher(schoolsTable, _schoolId);
            Console.WriteLine($"  warm-up: {warmUpUsed} submissions and floor operations, until a pass JIT-compiled {lastPassJitted} methods");

            var cpu = new CpuMeter();
            var beforeFloor = cpu.Sample();
            var floorBefore = await floor.RunAsync(count, concurrency, ct);
            var beforeIntake = cpu.Sample();
            counter.Reset();
            var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var intake = await SubmitAllAsync(codes, concurrency, ct);
            var afterIntake = cpu.Sample();
            var jitIntake = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
            var scoredAt = scoring ? await watcher.ScoredAtAsync(ScoredTimeout, ct) : null;
            var afterScoring = cpu.Sample();
            var intakeCalls = counter.Breakdown("POST /api/assessments", count);
            var scoringCalls = counter.Breakdown(StorageCallCounter.Background, count);
            if (scoring) await WaitForEmptyQueuesAsync(storage, ct); // alerts follow scoring; keep them out of the floor
            var floorAfter = await floor.RunAsync(count, concurrency, ct);
            var afterFloor = cpu.Sample();

            var allScored = Report(count, concurrency, sealedSize, intake, floorBefore, floorAfter, scoredAt);
            Console.WriteLine($"CPU per floor op: before {beforeIntake.PerOperation(beforeFloor, count)}; after {afterFloor.PerOperation(afterScoring, count)}");
            Console.WriteLine($"CPU per submission: intake phase {afterIntake.PerOperation(beforeIntake, count)}"
                + (scoring ? $" (scoring runs alongside); drain phase {afterScoring.PerOperation(afterIntake, count)}" : "")
                + $"; {jitIntake} methods JIT-compiled during intake");
            Console.WriteLine();
            PrintCalls("per accepted submission (HTTP intake)", intakeCalls, intake.Load.P50);
            PrintCalls("per scored submission (queue pump: functions' calls, not the pump's own receive/delete)", scoringCalls, null);
            return allScored ? 0 : 1;
        }

        private static async Task WaitForEmptyQueuesAsync(string storage, CancellationToken ct)
        {
            var deadline = DateTimeOffset.UtcNow + ScoredTimeout;
            foreach (var name in new[] { StorageNames.ScoringQueue, StorageNames.AlertsQueue })
            {
                var queue = new QueueClient(storage, name);
                while ((await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount > 0 && DateTimeOffset.UtcNow < deadline) await Task.Delay(PollInterval, ct);
            }
        }

        /// <summary>A school with a trained SchoolAdmin/Practitioner, a roll of <paramref name="pupils"/> and one session for all of them.</summary>
        private async Task<IReadOnlyList<string>> SetUpSchoolAsync(string schoolId, int pupils, CancellationToken ct)
        {
            var admin = minter.Mint(Guid.NewGuid(), null, "Platform.Admin");
            await ExpectAsync(201, HttpMethod.Put, $"/api/schools/{schoolId}", admin,
                Json(new { name = "Intake Bench", codeOfConductSignedOn = "2026-09-01", codeOfConductSignedBy = "Head", status = "active" }), ct);
            var staffId = Guid.NewGuid();
            await ExpectAsync(201, HttpMethod.Put, $"/api/schools/{schoolId}/staff/{staffId}", admin, Json(new
            {
                tenantId = DevDefaults.TenantA.ToString(), displayName = "Practitioner", roles = new[] { "SchoolAdmin", "Practitioner" },
                training = new[] { new { level = "practitioner", completedOn = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } },
            }), ct);
            var staff = minter.Mint(staffId);
            await ExpectAsync(200, HttpMethod.Put, $"/api/schools/{schoolId}/roll", staff,
                new StringContent(RollUploadBenchmark.Csv(pupils), Encoding.UTF8, "text/csv"), ct);
            var pupilIds = (await ExpectAsync(200, HttpMethod.Get, $"/api/schools/{schoolId}/pupils", staff, null, ct))
                .EnumerateArray().Select(p => p.GetProperty("pupilId").GetString()!).ToList();
            var session = await ExpectAsync(201, HttpMethod.Post, $"/api/schools/{schoolId}/sessions", staff,
                Json(new { academicYear = "2026/27", round = 1, pupilIds, closesAt = DateTimeOffset.UtcNow.AddDays(1) }), ct);
            var codes = session.GetProperty("codes").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToList();
            return codes.Count == pupilIds.Count ? codes : throw new InvalidOperationException($"Expected {pupilIds.Count} codes, got {codes.Count}.");
        }

        /// <summary>
        /// Tiered compilation keeps recompiling hot methods (tier 0, instrumented, tier 1) for thousands of requests;
        /// left in the measured phases, the JIT is billed to whichever runs first. Warm both paths in passes until a
        /// pass compiles almost nothing, so the phases measure the steady state a long-running host reaches.
        /// </summary>
        private async Task<(int Used, long LastPassJitted)> WarmUpAsync(IReadOnlyList<string> codes, StorageFloor floor, ScoredWatcher watcher,
            int concurrency, CancellationToken ct)
        {
            int used = WarmUpPass, quietPasses = 0;
            long jitted = long.MaxValue;
            // Two quiet passes in a row: one alone can fall between bursts of the background tier-up.
            while (used + WarmUpPass <= codes.Count && quietPasses < 2)
            {
                var before = System.Runtime.JitInfo.GetCompiledMethodCount();
                await SubmitAllAsync(codes.Skip(used).Take(WarmUpPass).ToList(), concurrency, ct);
                if (scoring) await watcher.ScoredAtAsync(ScoredTimeout, ct);
                await floor.RunAsync(WarmUpPass, concurrency, ct);
                used += WarmUpPass;
                jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
                quietPasses = jitted <= QuietJitPerPass ? quietPasses + 1 : 0;
            }
            return (used, jitted);
        }

        /// <summary>POSTs one submission per code at fixed concurrency; every answer must be 202.</summary>
        private async Task<IntakeResult> SubmitAllAsync(IReadOnlyList<string> codes, int concurrency, CancellationToken ct)
        {
            var random = new Random(20261204);
            var bodies = codes.Select(code => JsonSerializer.SerializeToUtf8Bytes(new
            {
                code,
                outOfSchool = Answers(random),
                inSchool = Answers(random),
                startedAt = "2026-12-04T09:00:00Z",
                completedAt = "2026-12-04T09:12:00Z",
                accommodations = Array.Empty<string>(),
            })).ToArray();
            var ids = new string[codes.Count];
            var acceptedAt = new DateTimeOffset[codes.Count];
            var startedAt = DateTimeOffset.UtcNow;
            var load = await Load.RunAsync(codes.Count, concurrency, async i =>
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/api/assessments", content, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"Submission {i} got {(int)response.StatusCode}: {text}");
                }
                acceptedAt[i] = DateTimeOffset.UtcNow;
                using var receipt = JsonDocument.Parse(text);
                ids[i] = receipt.RootElement.GetProperty("submissionId").GetString()!;
            }, ct);
            return new IntakeResult(load, ids, startedAt, acceptedAt);
        }

        private static int[] Answers(Random random) => Enumerable.Range(0, 16).Select(_ => random.Next(1, 7)).ToArray();

        private string ScoringMessageLike(string submissionId) =>
            JsonSerializer.Serialize(new { schoolId = _schoolId, submissionId });

        private static JsonContent Json(object value) => JsonContent.Create(value, value.GetType(), options: ApiJson.Options);

        private async Task<JsonElement> ExpectAsync(int status, HttpMethod method, string path, string token, HttpContent? content, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if ((int)response.StatusCode != status)
            {
                throw new InvalidOperationException($"{method} {path}: expected {status}, got {(int)response.StatusCode}: {text}");
            }
            using var json = JsonDocument.Parse(text);
            return json.RootElement.Clone();
        }
    }

    private sealed record IntakeResult(LoadResult Load, string[] Ids, DateTimeOffset StartedAt, DateTimeOffset[] AcceptedAt);

    /// <summary>Prints the summary table; false unless every submission was scored (when scoring ran).</summary>
    private static bool Report(int count, int concurrency, long sealedSize, IntakeResult intake, LoadResult floorBefore, LoadResult floorAfter,
        Dictionary<string, DateTimeOffset>? scoredAt)
    {
        // Azurite (one node thread) sometimes slows down for seconds late in a long run: the faster floor run is the floor.
        var ratio = intake.Load.PerSecond / Math.Max(floorBefore.PerSecond, floorAfter.PerSecond);
        Console.WriteLine();
        Console.WriteLine($"| measure ({count} submissions, concurrency {concurrency}) | figure | goal |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| intake (POST /api/assessments, all 202) | {intake.Load.PerSecond:F0} /s; p50 {intake.Load.P50:F1} ms, p99 {intake.Load.P99:F1} ms | |");
        Console.WriteLine($"| storage floor (blob create {sealedSize} B + queue send), before / after | {floorBefore.PerSecond:F0} / {floorAfter.PerSecond:F0} /s; p50 {floorBefore.P50:F1} / {floorAfter.P50:F1} ms | |");
        Console.WriteLine($"| intake / floor (the faster floor run) | {ratio:F2} | ≥ 0.5: {(ratio >= 0.5 ? "met" : "NOT met")} |");
        if (scoredAt is null)
        {
            Console.WriteLine();
            return true;
        }

        var toScored = new List<double>();
        var lastScored = DateTimeOffset.MinValue;
        foreach (var (id, acceptedAt) in intake.Ids.Zip(intake.AcceptedAt))
        {
            if (!scoredAt.TryGetValue(id, out var scored)) continue;
            toScored.Add(Math.Max(0, (scored - acceptedAt).TotalMilliseconds));
            if (scored > lastScored) lastScored = scored;
        }
        toScored.Sort();
        Console.WriteLine($"| submit (202) to scored, {toScored.Count}/{count} scored | p50 {Load.Percentile(toScored, 0.50):F0} ms, p99 {Load.Percentile(toScored, 0.99):F0} ms | report |");
        if (toScored.Count > 0)
        {
            Console.WriteLine($"| drain: last 202 to last scored | {(lastScored - intake.AcceptedAt.Max()).TotalSeconds:F1} s; scoring {count / (lastScored - intake.StartedAt).TotalSeconds:F0} /s overall | |");
        }
        Console.WriteLine();
        if (toScored.Count == count) return true;
        Console.WriteLine($"FAILED: only {toScored.Count} of {count} submissions were scored within {ScoredTimeout.TotalMinutes:F0} min of the last 202.");
        return false;
    }

    private static void PrintCalls(string title, IReadOnlyList<(string Operation, double Calls, double MeanMs)> rows, double? requestP50)
    {
        Console.WriteLine($"storage calls {title}: {rows.Sum(r => r.Calls):F2} calls, {rows.Sum(r => r.Calls * r.MeanMs):F1} ms of storage time"
            + (requestP50 is { } p50 ? $" (request p50 {p50:F1} ms)" : ""));
        foreach (var (operation, calls, meanMs) in rows) Console.WriteLine($"  {calls,6:F2} x {operation,-36} mean {meanMs,6:F1} ms");
    }

    /// <summary>
    /// When each of a school's submissions was scored: the Timestamp of its record, which the scoring transaction
    /// sets (Azurite runs on this machine's clock). Waits out the backlog with a one-row query for records still
    /// Received, only after the load, so watching adds almost nothing to what is measured.
    /// </summary>
    private sealed class ScoredWatcher(TableClient table, string schoolId)
    {
        // The benchmark's sessions are all 2026/27 round 1; each submission's record is on its pupil's entity.
        private const string RecordProperty = "S2026_27_1", StatusProperty = "S2026_27_1Status";

        /// <summary>Waits until no record is Received (or the timeout), then reads every Scored one.</summary>
        public async Task<Dictionary<string, DateTimeOffset>> ScoredAtAsync(TimeSpan timeout, CancellationToken ct)
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            while (DateTimeOffset.UtcNow < deadline && await AnyAsync("Received", ct)) await Task.Delay(PollInterval, ct);
            var scored = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            // The pupil's Timestamp is that of the scoring transaction, which marked the submission scored.
            await foreach (var e in table.QueryAsync<TableEntity>(Filter("Scored"), select: [RecordProperty, "Timestamp"], cancellationToken: ct))
            {
                using var record = JsonDocument.Parse(e.GetString(RecordProperty));
                scored[record.RootElement.GetProperty("submissionId").GetString()!] = e.Timestamp!.Value;
            }
            return scored;
        }

        private async Task<bool> AnyAsync(string status, CancellationToken ct)
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(Filter(status), maxPerPage: 1, select: ["RowKey"], cancellationToken: ct)) return true;
            return false;
        }

        private string Filter(string status) => TableClient.CreateQueryFilter(
            $"PartitionKey eq {schoolId} and RowKey ge {RowKeys.PupilPrefix} and RowKey lt {RowKeys.PrefixEnd(RowKeys.PupilPrefix)}")
            + $" and {StatusProperty} eq '{status}'";
    }

    /// <summary>The raw storage work every submission needs, through the SDK clients directly: a create-only blob and a Base64 queue message.</summary>
    private sealed class StorageFloor(BlobContainerClient container, QueueClient queue, BinaryData payload, string message)
    {
        private int _runs;

        public static async Task<StorageFloor> CreateAsync(string storage, int payloadBytes, string message, CancellationToken ct)
        {
            var container = new BlobServiceClient(storage).GetBlobContainerClient("floor");
            await container.CreateIfNotExistsAsync(cancellationToken: ct);
            var queue = new QueueClient(storage, "floor", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            var payload = new byte[payloadBytes];
            new Random(7).NextBytes(payload);
            return new StorageFloor(container, queue, BinaryData.FromString(Convert.ToBase64String(payload)[..payloadBytes]), message);
        }

        public async Task<LoadResult> RunAsync(int count, int concurrency, CancellationToken ct)
        {
            var run = Interlocked.Increment(ref _runs);
            var createOnly = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
            var result = await Load.RunAsync(count, concurrency, async i =>
            {
                await container.GetBlobClient($"{run}/{i:D5}.json").UploadAsync(payload, createOnly, ct);
                await queue.SendMessageAsync(message, ct);
            }, ct);
            // Azurite keeps every queue's messages in one collection and scans it on each receive, so messages left
            // here would slow the queue pump in later phases.
            await queue.ClearMessagesAsync(ct);
            return result;
        }
    }
}
