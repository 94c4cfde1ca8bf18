using AsTracking.Core;
using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Core.Scoring;
using AsTracking.Storage.Assessments;
using AsTracking.Storage.Tables;
using AsTracking.Storage.Tests.Support;
using AsTracking.Testing;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tests.Assessments;

/// <summary>
/// Results and cohort summaries (R9-R11) against Azurite: summaries stay exact however results are added and taken
/// out, by concurrent writers in one instance or several, and a warm instance writes them without reading first.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableResultStoreTests(AzuriteFixture azurite)
{
    private static readonly AcademicRound Round = new("2026/27", 1);
    private const string ModelVersion = "default-v1@1";
    private static readonly CompiledScorer Scorer = ScoringModel.Default.Compile();

    private (TableResultStore Store, RequestLog Log) NewInstance()
    {
        var log = new RequestLog();
        var service = new TableServiceClient(azurite.ConnectionString, log.AddTo(new TableClientOptions()));
        return (new TableResultStore(new TableProvider(service)), log);
    }

    /// <summary>A scored result with its submission record (which the scoring transaction marks scored).</summary>
    private async Task<AssessmentResult> NewResultAsync(string schoolId, int seed)
    {
        var schools = new TableClient(azurite.ConnectionString, StorageNames.SchoolsTable);
        await schools.CreateIfNotExistsAsync();
        var submissionId = Ids.NewOpaqueId(IdKinds.Submission);
        var pupilId = Ids.NewOpaqueId(IdKinds.Pupil);
        await AddSubmissionAsync(schools, schoolId, pupilId, submissionId, Round);
        var random = new Random(seed);
        var answers = Enumerable.Range(0, 32).Select(_ => random.Next(1, 7)).ToArray();
        var yearGroup = 7 + seed % 3;
        var tutorGroup = seed % 5 == 0 ? null : $"{yearGroup}{(char)('A' + seed % 2)}";
        return new AssessmentResult(schoolId, pupilId, submissionId, Round, DateTimeOffset.UtcNow, yearGroup, tutorGroup,
            Scorer.Score(answers.AsSpan(0, 16), answers.AsSpan(16)));
    }

    /// <summary>The submission record on the pupil's entity, as intake writes it (creating the entity if need be).</summary>
    private static Task AddSubmissionAsync(TableClient schools, string schoolId, string pupilId, string submissionId, AcademicRound round) =>
        schools.UpsertEntityAsync(SubmissionColumns.Claim(
            new SubmissionRecord(schoolId, submissionId, pupilId, Ids.NewOpaqueId(IdKinds.Session), round, DateTimeOffset.UtcNow, SubmissionStatus.Received),
            "code-key", "payload-hash", new AsTracking.Storage.Keys.WrappedDataKey("v1", "wrapped")), TableUpdateMode.Merge);

    private async Task<List<AssessmentResult>> NewResultsAsync(string schoolId, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(i => NewResultAsync(schoolId, i)))];

    private static async Task RunAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> work)
    {
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try { await work(item); }
            finally { gate.Release(); }
        }));
    }

    /// <summary>Every scope's summary, read back through a fresh instance, equals the sum of the counted results.</summary>
    private async Task AssertSummariesExactAsync(string schoolId, IReadOnlyCollection<AssessmentResult> counted)
    {
        var reader = NewInstance().Store;
        var scopes = counted.SelectMany(r => CohortScope.Of(r.YearGroup, r.TutorGroup)).Append(CohortScope.All).Distinct();
        foreach (var scope in scopes)
        {
            var expected = new CohortSummary();
            foreach (var r in counted.Where(r => CohortScope.Of(r.YearGroup, r.TutorGroup).Contains(scope))) expected.Add(r.Scoring);
            var actual = await reader.SummaryAsync(schoolId, Round, ModelVersion, scope, default) ?? new CohortSummary();
            Assert.Equal(expected.Assessed, actual.Assessed);
            Assert.Equal(expected.ScoreSums, actual.ScoreSums);
            Assert.Equal(expected.PolarLow, actual.PolarLow);
            Assert.Equal(expected.PolarHigh, actual.PolarHigh);
            Assert.Equal(expected.Flags.Where(f => f.Value != 0).OrderBy(f => f.Key), actual.Flags.Where(f => f.Value != 0).OrderBy(f => f.Key));
            Assert.Equal(expected.Priority.Where(f => f.Value != 0).OrderBy(f => f.Key), actual.Priority.Where(f => f.Value != 0).OrderBy(f => f.Key));
        }
    }

    [Fact]
    public async Task Concurrent_scorers_in_one_instance_keep_summaries_exact_and_write_without_reads_or_retries_R11()
    {
        var schoolId = AzuriteFixture.UniqueName("school-");
        var results = await NewResultsAsync(schoolId, 48);
        var (store, log) = NewInstance();
        Assert.True(await store.AddAsync(results[0], counted: true, null, default)); // loads the round's summary rows once
        log.Clear();

        var added = new System.Collections.Concurrent.ConcurrentBag<bool>();
        await RunAsync(results.Skip(1), 16, async r => added.Add(await store.AddAsync(r, counted: true, null, default)));

        Assert.All(added, Assert.True);
        // One transaction per result, each committed at its first attempt, and no summary row read beforehand.
        Assert.Equal(results.Count - 1, log.Count("POST", "$batch"));
        Assert.Equal(0, log.Requests.Count(r => r.StartsWith("GET ", StringComparison.Ordinal)));
        await AssertSummariesExactAsync(schoolId, results);
    }

    [Fact]
    public async Task Two_instances_scoring_one_school_keep_summaries_exact_and_duplicates_count_once_R10()
    {
        var schoolId = AzuriteFixture.UniqueName("school-");
        var results = await NewResultsAsync(schoolId, 40);
        var first = NewInstance().Store;
        var second = NewInstance().Store;

        // Each instance's cached rows go stale as the other writes: ETag checks fail and only those rows are read again.
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<bool>();
        await RunAsync(results.Select((r, i) => (r, i)), 16, async x => outcomes.Add(await (x.i % 2 == 0 ? first : second).AddAsync(x.r, counted: true, null, default)));
        Assert.Equal(results.Count, outcomes.Count(added => added));

        // Redelivered to the other instance, concurrently: nothing changes.
        var repeats = new System.Collections.Concurrent.ConcurrentBag<bool>();
        await RunAsync(results.Take(10).Select((r, i) => (r, i)), 10, async x => repeats.Add(await (x.i % 2 == 0 ? second : first).AddAsync(x.r, counted: true, null, default)));
        Assert.All(repeats, Assert.False);
        await AssertSummariesExactAsync(schoolId, results);
    }

    [Fact]
    public async Task Taking_results_out_and_back_in_from_another_instance_keeps_summaries_exact_R9()
    {
        var schoolId = AzuriteFixture.UniqueName("school-");
        var results = await NewResultsAsync(schoolId, 24);
        var scorer = NewInstance().Store;
        var consent = NewInstance().Store;
        foreach (var r in results.Take(16)) Assert.True(await scorer.AddAsync(r, counted: true, null, default));

        var optedOut = results.Take(16).Where((_, i) => i % 3 == 0).ToList();
        foreach (var r in optedOut) await consent.SetCountedAsync(schoolId, r.PupilId, false, default);
        await consent.SetCountedAsync(schoolId, optedOut[0].PupilId, false, default); // idempotent
        // The scorer's cached rows are now stale for the shards the other instance changed.
        foreach (var r in results.Skip(16)) Assert.True(await scorer.AddAsync(r, counted: true, null, default));
        await AssertSummariesExactAsync(schoolId, results.Except(optedOut).ToList());

        foreach (var r in optedOut) await scorer.SetCountedAsync(schoolId, r.PupilId, true, default);
        await AssertSummariesExactAsync(schoolId, results);
    }

    [Fact]
    public async Task A_result_added_uncounted_is_kept_but_not_in_any_summary_R9()
    {
        var schoolId = AzuriteFixture.UniqueName("school-");
        var results = await NewResultsAsync(schoolId, 3);
        var store = NewInstance().Store;
        Assert.True(await store.AddAsync(results[0], counted: true, null, default));
        Assert.True(await store.AddAsync(results[1], counted: false, null, default));
        Assert.False(await store.AddAsync(results[1], counted: false, null, default));

        Assert.Single(await store.ForPupilAsync(schoolId, results[1].PupilId, default));
        await AssertSummariesExactAsync(schoolId, [results[0]]);
        await store.SetCountedAsync(schoolId, results[1].PupilId, true, default);
        await AssertSummariesExactAsync(schoolId, [results[0], results[1]]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_pupil_changed_since_it_was_read_refuses_the_result_and_writes_nothing_R9(bool counted)
    {
        var schoolId = AzuriteFixture.UniqueName("school-");
        var result = await NewResultAsync(schoolId, 1);
        var schools = new TableClient(azurite.ConnectionString, StorageNames.SchoolsTable);
        var read = (await schools.GetEntityAsync<TableEntity>(schoolId, RowKeys.Pupil(result.PupilId))).Value.ETag;
        // The opt-out commits after the scorer read the pupil.
        var optedOut = await schools.UpdateEntityAsync(new TableEntity(schoolId, RowKeys.Pupil(result.PupilId)) { ["OptedOut"] = true },
            read, TableUpdateMode.Merge);
        var store = NewInstance().Store;

        await Assert.ThrowsAsync<PupilChangedException>(() => store.AddAsync(result, counted, read.ToString(), default));
        Assert.Empty(await store.ForPupilAsync(schoolId, result.PupilId, default));
        await AssertSummariesExactAsync(schoolId, []);
        var pupil = (await schools.GetEntityAsync<TableEntity>(schoolId, RowKeys.Pupil(result.PupilId))).Value;
        Assert.Equal(SubmissionStatus.Received, SubmissionColumns.Read(pupil, schoolId, result.PupilId, result.Round)!.Value.Record.Status);

        // Read again, the pupil is opted out: the result is kept, uncounted.
        Assert.True(await store.AddAsync(result, counted: false, optedOut.Headers.ETag!.Value.ToString(), default));
        Assert.Single(await store.ForPupilAsync(schoolId, result.PupilId, default));
        await AssertSummariesExactAsync(schoolId, []);
    }

    [Fact]
    public async Task Previous_polar_state_comes_from_one_point_read_newest_first_whatever_order_rounds_were_scored_R11()
    {
        var schoolId = AzuriteFixture.UniqueName("school-");
        var template = await NewResultAsync(schoolId, 2);
        var store = NewInstance().Store;
        var rounds = new[] { new AcademicRound("2025/26", 3), new AcademicRound("2026/27", 2), new AcademicRound("2025/26", 1), new AcademicRound("2026/27", 1) };
        var scored = new Dictionary<string, ushort>();
        for (int i = 0; i < rounds.Length; i++)
        {
            var answers = Enumerable.Range(0, 32).Select(k => (k + i) % 2 == 0 ? 1 : 6).ToArray(); // polar in varying cells
            var result = template with { Round = rounds[i], SubmissionId = Ids.NewOpaqueId(IdKinds.Submission), Scoring = Scorer.Score(answers.AsSpan(0, 16), answers.AsSpan(16)) };
            var schools = new TableClient(azurite.ConnectionString, StorageNames.SchoolsTable);
            await AddSubmissionAsync(schools, schoolId, result.PupilId, result.SubmissionId, result.Round);
            Assert.True(await store.AddAsync(result, counted: true, null, default));
            scored[rounds[i].Key] = result.Scoring.Polar.Bits;
        }

        var (reader, log) = NewInstance();
        var previous = await reader.PreviousPolarAsync(schoolId, template.PupilId, new AcademicRound("2026/27", 2), ModelVersion, default);
        Assert.Equal(new[] { scored["2026-27-1"], scored["2025-26-3"], scored["2025-26-1"] }, previous.Select(p => p.Bits));
        Assert.Empty(await reader.PreviousPolarAsync(schoolId, template.PupilId, new AcademicRound("2025/26", 1), ModelVersion, default));
        Assert.Empty(await reader.PreviousPolarAsync(schoolId, template.PupilId, new AcademicRound("2026/27", 2), "other-model@1", default));
        Assert.Equal(scored["2026-27-2"], (await reader.GetAsync(schoolId, template.PupilId, new AcademicRound("2026/27", 2), ModelVersion, default))!.Scoring.Polar.Bits);
        Assert.All(log.Requests.Where(r => !r.Contains("/Tables?", StringComparison.Ordinal)), r => Assert.StartsWith("GET", r, StringComparison.Ordinal));
        Assert.DoesNotContain(log.Requests, r => r.Contains("Schools()", StringComparison.Ordinal)); // point reads only
    }
}
