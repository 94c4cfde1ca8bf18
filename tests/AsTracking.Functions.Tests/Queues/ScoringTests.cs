using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AsTracking.Core;
using AsTracking.Core.Assessments;
using AsTracking.Core.Audit;
using AsTracking.Core.Ports;
using AsTracking.Core.Scoring;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http;
using AsTracking.Functions.Queues;
using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;

namespace AsTracking.Functions.Tests.Queues;

/// <summary>Queue scoring (R10-R11): idempotent under duplicate and concurrent delivery, and model versions kept.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScoringTests(AzuriteFixture azurite)
{
    private static readonly int[] WorkedOut = [2, 5, 3, 4, 1, 6, 4, 3, 5, 2, 3, 4, 1, 5, 2, 3];
    private static readonly int[] WorkedIn = [3, 4, 4, 3, 3, 4, 4, 3, 4, 3, 3, 4, 3, 4, 4, 3];

    private sealed record Submitted(Scenario Scenario, string Staff, string PupilId, string SubmissionId);

    private static async Task<Submitted> SubmitWorkedExampleAsync(Scenario s)
    {
        var staff = await s.StaffAsync("SchoolAdmin,Practitioner");
        Assert.Equal(200, (await s.UploadRollAsync(staff, Scenario.Csv(Scenario.Row(1)))).Status);
        var pupilId = (await s.ListPupilsAsync(staff)).Json[0].GetProperty("pupilId").GetString()!;
        var session = await s.Host.InvokeAsync<Sessions>((f, r) => f.OpenSession(r, s.SchoolId, default), new HttpRequestSpec("POST", "/", staff,
            new { academicYear = "2026/27", round = 1, pupilIds = new[] { pupilId }, closesAt = DateTimeOffset.UtcNow.AddHours(2) }));
        Assert.Equal(201, session.Status);
        var code = session.Json.GetProperty("codes")[0].GetProperty("code").GetString();
        var accepted = await s.Host.InvokeAsync<Assessments>((f, r) => f.SubmitAssessment(r, default), new HttpRequestSpec("POST", "/api/assessments", Json: new
        {
            code, outOfSchool = WorkedOut, inSchool = WorkedIn, startedAt = "2026-12-04T09:00:00Z", completedAt = "2026-12-04T09:10:00Z",
        }));
        Assert.Equal(202, accepted.Status);
        return new Submitted(s, staff, pupilId, accepted.Json.GetProperty("submissionId").GetString()!);
    }

    private static QueueMessage Message(Submitted sub, long dequeueCount = 1, string round = "2026-27-1") =>
        Message(sub.Scenario.SchoolId, sub.PupilId, sub.SubmissionId, dequeueCount, round);

    private static QueueMessage Message(string schoolId, string pupilId, string submissionId, long dequeueCount = 1, string round = "2026-27-1") =>
        QueuesModelFactory.QueueMessage("m1", "r1", BinaryData.FromString(
            $"{{\"schoolId\":\"{schoolId}\",\"submissionId\":\"{submissionId}\",\"pupilId\":\"{pupilId}\",\"round\":\"{round}\"}}"), dequeueCount);

    private static SubmissionRef Ref(Submitted sub) => new(sub.Scenario.SchoolId, new AcademicRound("2026/27", 1), sub.PupilId, sub.SubmissionId);

    private static async Task DeliverAsync(Scenario s, QueueMessage message)
    {
        await using var scope = s.Host.Services.CreateAsyncScope();
        await ActivatorUtilities.CreateInstance<ScoreAssessment>(scope.ServiceProvider).Run(message, default);
    }

    private static QueueClient Queue(Scenario s, string name) =>
        new(s.Host.Configuration["AzureWebJobsStorage"], name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    [Fact]
    public async Task Duplicate_and_concurrent_deliveries_leave_one_result_counted_once_and_one_alert_R10()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var sub = await SubmitWorkedExampleAsync(s);
        var message = Message(sub);
        await DeliverAsync(s, message);
        await DeliverAsync(s, message);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => DeliverAsync(s, message)));

        var results = s.Host.Services.GetRequiredService<IResultStore>();
        Assert.Single(await results.ForPupilAsync(s.SchoolId, sub.PupilId, default));
        var summary = await results.SummaryAsync(s.SchoolId, new AcademicRound("2026/27", 1), "default-v1@1", CohortScope.All, default);
        Assert.Equal(1, summary!.Assessed);

        // Every delivery re-sent the alert; the feed holds it once.
        var alerts = Queue(s, "pastoral-alerts");
        var delivered = 0;
        while ((await alerts.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            foreach (var m in batch.Where(m => m.Body.ToString().Contains(sub.SubmissionId, StringComparison.Ordinal)))
            {
                await using var scope = s.Host.Services.CreateAsyncScope();
                await ActivatorUtilities.CreateInstance<RaisePastoralAlert>(scope.ServiceProvider).Run(m.Body.ToString(), default);
                delivered++;
            }
            foreach (var m in batch) await alerts.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        }
        Assert.True(delivered >= 2);
        var feed = await s.Host.InvokeAsync<Reports>((f, r) => f.GetNotifications(r, s.SchoolId, default), new HttpRequestSpec("GET", "/", sub.Staff));
        Assert.Equal(1, feed.Json.GetArrayLength());

        // R18: the submission and its scoring are audited once, however many deliveries there were.
        await AssertAuditedOnceAsync(s, sub);
    }

    private static async Task AssertAuditedOnceAsync(Scenario s, Submitted sub)
    {
        var audit = s.Host.Services.GetRequiredService<IAuditTrail>();
        var trail = await audit.ReadAsync(s.SchoolId, sub.PupilId, null, null, default);
        Assert.Single(trail, e => e.Action == "assessment.submit" && e.Outcome == $"success:{sub.SubmissionId}");
        Assert.Single(trail, e => e.Action == "assessment.score" && e.Outcome == "success:default-v1@1:priority");
        Assert.True((await audit.VerifyAsync(s.SchoolId, default)).Valid);
    }

    [Fact]
    public async Task A_crash_after_the_result_committed_is_audited_once_by_the_redelivery_R18()
    {
        var crash = new CrashBeforeAudit();
        await using var s = await Scenario.CreateAsync(azurite, configure: crash.Wrap);
        var sub = await SubmitWorkedExampleAsync(s);

        crash.Armed = true;
        await Assert.ThrowsAsync<IOException>(() => DeliverAsync(s, Message(sub)));
        var results = s.Host.Services.GetRequiredService<IResultStore>();
        Assert.Single(await results.ForPupilAsync(s.SchoolId, sub.PupilId, default)); // the result committed
        var trail = await s.Host.Services.GetRequiredService<IAuditTrail>().ReadAsync(s.SchoolId, sub.PupilId, null, null, default);
        Assert.DoesNotContain(trail, e => e.Action == "assessment.score");

        // The host redelivers: the result is found, and the missing audit records are appended, once.
        await DeliverAsync(s, Message(sub, dequeueCount: 2));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DeliverAsync(s, Message(sub, dequeueCount: 3))));
        Assert.Single(await results.ForPupilAsync(s.SchoolId, sub.PupilId, default));
        Assert.Equal(1, (await results.SummaryAsync(s.SchoolId, new AcademicRound("2026/27", 1), "default-v1@1", CohortScope.All, default))!.Assessed);
        await AssertAuditedOnceAsync(s, sub);
    }

    [Fact]
    public async Task A_repeat_delivery_of_a_scored_submission_does_not_need_its_raw_blob_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var sub = await SubmitWorkedExampleAsync(s);
        await DeliverAsync(s, Message(sub));

        // The raw blob is gone (e.g. removed by retention) or no longer opens: a repeat still completes.
        var blob = new Azure.Storage.Blobs.BlobServiceClient(s.Host.Configuration["AzureWebJobsStorage"])
            .GetBlobContainerClient("submissions").GetBlobClient($"{s.SchoolId}/{sub.SubmissionId}.json");
        await blob.UploadAsync(BinaryData.FromString("v1.garbage"), overwrite: true);
        await DeliverAsync(s, Message(sub, dequeueCount: 2));
        await blob.DeleteAsync();
        await DeliverAsync(s, Message(sub, dequeueCount: 3));

        var record = await s.Host.Services.GetRequiredService<ISubmissionStore>().GetRecordAsync(Ref(sub), default);
        Assert.Equal(SubmissionStatus.Scored, record!.Status);
        Assert.Single(await s.Host.Services.GetRequiredService<IResultStore>().ForPupilAsync(s.SchoolId, sub.PupilId, default));
        await AssertAuditedOnceAsync(s, sub);
    }

    [Fact]
    public async Task A_warm_scorer_makes_seven_storage_calls_per_submission_all_point_reads_or_writes()
    {
        var recorder = new StorageCallRecorder();
        await using var s = await Scenario.CreateAsync(azurite, configure: recorder.AddTo);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben", "Cal");
        var codes = await s.IssueCodesAsync(staff, [.. pupils.Values]);
        var submissions = new List<Submitted>();
        foreach (var pupil in new[] { "Ada", "Ben", "Cal" })
        {
            var accepted = await s.SubmitAsync(Scenario.Submission(codes[pupils[pupil]]));
            Assert.Equal(202, accepted.Status);
            submissions.Add(new Submitted(s, staff, pupils[pupil], accepted.Json.GetProperty("submissionId").GetString()!));
        }
        // The first scoring of the round in this host loads the round's summary rows and reads the audit head once.
        await DeliverAsync(s, Message(submissions[0]));

        foreach (var submitted in submissions.Skip(1))
        {
            recorder.Clear();
            await DeliverAsync(s, Message(submitted));
            var calls = recorder.Calls;
            var listing = "storage calls:\n" + string.Join("\n", calls);
            Assert.True(calls.Count == 7, listing);
            Assert.DoesNotContain(calls, c => c.Contains("Schools()", StringComparison.Ordinal)); // no range read: Azurite scans the whole table for one
            void One(string pattern) => Assert.True(calls.Count(c => Regex.IsMatch(c, pattern)) == 1, pattern + "\n" + listing);
            One($@"^GET /devstoreaccount1/Schools\(PartitionKey='{s.SchoolId}',RowKey='pupil(%7C|\|){submitted.PupilId}'\)$"); // the round's record (with the raw key) and the pupil's state, from one entity
            One($@"^GET /devstoreaccount1/submissions/{s.SchoolId}/{submitted.SubmissionId}\.json$");                            // raw blob, alongside
            One(@"^GET /devstoreaccount1/Schools\(PartitionKey='[^']+',RowKey='result(%7C|\|)p[0-9a-z]{26}(%7C|\|)2026-27-1(%7C|\|)[^']+'\)$"); // this round's result, if any
            One(@"^GET /devstoreaccount1/Schools\(PartitionKey='[^']+',RowKey='trend(%7C|\|)p[0-9a-z]{26}(%7C|\|)[^']+'\)$");    // earlier rounds' polar state (trend flags)
            Assert.Equal(2, calls.Count(c => c == "POST /devstoreaccount1/$batch"));                                             // result + summaries + status; audit
            One(@"^POST /devstoreaccount1/pastoral-alerts/messages$");                                                           // the worked example is a priority
        }
    }

    [Theory]
    [InlineData("{\"schoolId\":\"S\",\"submissionId\":\"X\"}")]                                   // no pupil or round
    [InlineData("{\"schoolId\":\"S\",\"submissionId\":\"X\",\"pupilId\":\"P\",\"round\":\"2026-27-4\"}")] // no such round
    [InlineData("{\"schoolId\":\"S\",\"submissionId\":\"OTHER\",\"pupilId\":\"P\",\"round\":\"2026-27-1\"}")] // another submission's id
    [InlineData("not json")]
    public async Task Malformed_or_mismatched_message_fails_and_on_the_fifth_attempt_marks_nothing_R8(string template)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var sub = await SubmitWorkedExampleAsync(s);
        var body = template.Replace("\"S\"", $"\"{s.SchoolId}\"", StringComparison.Ordinal).Replace("\"X\"", $"\"{sub.SubmissionId}\"", StringComparison.Ordinal)
            .Replace("\"P\"", $"\"{sub.PupilId}\"", StringComparison.Ordinal).Replace("OTHER", Ids.NewOpaqueId(IdKinds.Submission), StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<Exception>(() => DeliverAsync(s, QueuesModelFactory.QueueMessage("m1", "r1", BinaryData.FromString(body), 5)));
        var record = await s.Host.Services.GetRequiredService<ISubmissionStore>().GetRecordAsync(Ref(sub), default);
        Assert.Equal(SubmissionStatus.Received, record!.Status); // the message did not name this submission: it is not marked failed
        Assert.Empty(await s.Host.Services.GetRequiredService<IResultStore>().ForPupilAsync(s.SchoolId, sub.PupilId, default));
    }

    [Fact]
    public async Task Unscorable_submission_is_marked_failed_on_the_fifth_attempt_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var sub = await SubmitWorkedExampleAsync(s);
        var store = s.Host.Services.GetRequiredService<ISubmissionStore>();
        var record = await store.GetRecordAsync(Ref(sub), default);
        // Corrupt the sealed raw blob: it no longer opens.
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(s.Host.Configuration["AzureWebJobsStorage"]);
        await blobs.GetBlobContainerClient("submissions").GetBlobClient($"{s.SchoolId}/{sub.SubmissionId}.json").UploadAsync(BinaryData.FromString("v1.garbage"), overwrite: true);

        for (int attempt = 1; attempt <= 4; attempt++)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => DeliverAsync(s, Message(sub, attempt)));
            Assert.Equal(SubmissionStatus.Received, (await store.GetRecordAsync(Ref(sub), default))!.Status);
        }
        await Assert.ThrowsAnyAsync<Exception>(() => DeliverAsync(s, Message(sub, 5)));
        var failed = await store.GetRecordAsync(Ref(sub), default);
        Assert.Equal(SubmissionStatus.Failed, failed!.Status);
        Assert.Contains("5 attempts", failed.FailureReason, StringComparison.Ordinal);
        Assert.Equal(record!.PupilId, failed.PupilId);
    }

    [Fact]
    public async Task Rescoring_with_a_new_model_version_keeps_the_old_results_and_reports_show_the_newest_R10()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var sub = await SubmitWorkedExampleAsync(s);
        await DeliverAsync(s, Message(sub));

        // Publish version 2 of the model (same rules, new version) and re-score through the API.
        var json = JsonNode.Parse(ScoringModel.Default.ToJson())!;
        json["version"] = 2;
        var models = (SwitchableModels)s.Host.Services.GetRequiredService<IScoringModels>();
        models.Current = ScoringModel.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        var rescore = await s.Host.InvokeAsync<Rescore>((f, r) => f.RescoreSchool(r, s.SchoolId, default), new HttpRequestSpec("POST", "/", s.PlatformAdminToken));
        Assert.Equal((202, 1), (rescore.Status, rescore.Json.GetProperty("queued").GetInt32()));
        await DeliverAsync(s, Message(sub));

        var results = await s.Host.Services.GetRequiredService<IResultStore>().ForPupilAsync(s.SchoolId, sub.PupilId, default);
        Assert.Equal(["default-v1@1", "default-v1@2"], results.Select(r => r.ModelVersion).Order());
        var report = await s.Host.InvokeAsync<Reports>((f, r) => f.GetPupilReport(r, s.SchoolId, sub.PupilId, default), new HttpRequestSpec("GET", "/", sub.Staff));
        Assert.Equal("default-v1@2", report.Json.GetProperty("modelVersion").GetString());
        Assert.Equal(1, report.Json.GetProperty("rounds").GetArrayLength());
    }

    [Fact]
    public async Task Opted_out_pupil_is_absent_from_report_cohort_and_priority_and_returns_on_opt_in_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var sub = await SubmitWorkedExampleAsync(s);
        await DeliverAsync(s, Message(sub));
        async Task<int> Assessed() => (await s.Host.InvokeAsync<Reports>((f, r) => f.GetCohort(r, s.SchoolId, default),
            new HttpRequestSpec("GET", "/", sub.Staff, Query: "academicYear=2026/27&round=1"))).Json.GetProperty("assessed").GetInt32();
        async Task<int> Priority() => (await s.Host.InvokeAsync<Reports>((f, r) => f.GetPriority(r, s.SchoolId, default),
            new HttpRequestSpec("GET", "/", sub.Staff, Query: "academicYear=2026/27&round=1"))).Json.GetProperty("pupils").GetArrayLength();
        Task<ApiResponse> Consent(string decision) => s.Host.InvokeAsync<Consent>((f, r) => f.RecordConsent(r, s.SchoolId, sub.PupilId, default),
            new HttpRequestSpec("POST", "/", sub.Staff, new { decision, requestedBy = "parent", receivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") }));
        Assert.Equal((1, 1), (await Assessed(), await Priority()));

        Assert.Equal(200, (await Consent("opt-out")).Status);
        Assert.Equal((0, 0), (await Assessed(), await Priority()));
        var report = await s.Host.InvokeAsync<Reports>((f, r) => f.GetPupilReport(r, s.SchoolId, sub.PupilId, default), new HttpRequestSpec("GET", "/", sub.Staff));
        Assert.Equal(404, report.Status);

        Assert.Equal(200, (await Consent("opt-in")).Status);
        Assert.Equal((1, 1), (await Assessed(), await Priority()));
    }

    [Fact]
    public async Task Trend_flags_use_the_previous_scored_round_R11()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var first = await SubmitWorkedExampleAsync(s);
        await DeliverAsync(s, Message(first));
        // Round 2: trustOfSelf outOfSchool is polar again (persistent needs three rounds), selfDisclosure is balanced,
        // and seekingChange inSchool turns polar-low: new-polar.
        var session = await s.Host.InvokeAsync<Sessions>((f, r) => f.OpenSession(r, s.SchoolId, default), new HttpRequestSpec("POST", "/", first.Staff,
            new { academicYear = "2026/27", round = 2, pupilIds = new[] { first.PupilId }, closesAt = DateTimeOffset.UtcNow.AddHours(2) }));
        var code = session.Json.GetProperty("codes")[0].GetProperty("code").GetString();
        int[] outside = [4, 5, 3, 4, 3, 6, 4, 3, 4, 2, 3, 4, 3, 5, 2, 3];
        int[] inside = [3, 4, 4, 1, 3, 4, 4, 1, 4, 3, 3, 6, 3, 4, 4, 1];
        var accepted = await s.Host.InvokeAsync<Assessments>((f, r) => f.SubmitAssessment(r, default), new HttpRequestSpec("POST", "/api/assessments", Json: new
        {
            code, outOfSchool = outside, inSchool = inside, startedAt = "2027-01-10T09:00:00Z", completedAt = "2027-01-10T09:10:00Z",
        }));
        await DeliverAsync(s, Message(s.SchoolId, first.PupilId, accepted.Json.GetProperty("submissionId").GetString()!, round: "2026-27-2"));

        var report = await s.Host.InvokeAsync<Reports>((f, r) => f.GetPupilReport(r, s.SchoolId, first.PupilId, default), new HttpRequestSpec("GET", "/", first.Staff));
        var rounds = report.Json.GetProperty("rounds");
        Assert.Equal([1, 2], rounds.EnumerateArray().Select(x => x.GetProperty("round").GetInt32()));
        var flags = rounds[1].GetProperty("flags").EnumerateArray()
            .Select(f => (f.GetProperty("type").GetString(), f.TryGetProperty("factor", out var fa) ? fa.GetString() : null, f.TryGetProperty("context", out var c) ? c.GetString() : null))
            .ToList();
        Assert.Contains(("new-polar", "seekingChange", "inSchool"), flags);
        Assert.DoesNotContain(flags, f => f.Item1 == "new-polar" && f.Item2 == "trustOfSelf");
    }

    [Fact]
    public async Task Tutor_reads_reports_only_for_own_groups_and_cohort_filters_by_group_R2()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var sub = await SubmitWorkedExampleAsync(s); // the pupil is in tutor group 8A, year 8
        await DeliverAsync(s, Message(sub));
        var own = await s.StaffAsync("Tutor", "tutor", tutorGroups: ["8A"]);
        var other = await s.StaffAsync("Tutor", "tutor", tutorGroups: ["9B"]);
        Task<ApiResponse> Report(string token) => s.Host.InvokeAsync<Reports>((f, r) => f.GetPupilReport(r, s.SchoolId, sub.PupilId, default), new HttpRequestSpec("GET", "/", token));
        Assert.Equal(200, (await Report(own)).Status);
        var refused = await Report(other);
        Assert.Equal((403, "forbidden"), (refused.Status, refused.Code));

        async Task<int> Assessed(string query) => (await s.Host.InvokeAsync<Reports>((f, r) => f.GetCohort(r, s.SchoolId, default),
            new HttpRequestSpec("GET", "/", sub.Staff, Query: "academicYear=2026/27&round=1&" + query))).Json.GetProperty("assessed").GetInt32();
        Assert.Equal(1, await Assessed("tutorGroup=8a"));
        Assert.Equal(1, await Assessed("yearGroup=8"));
        Assert.Equal(1, await Assessed("yearGroup=8&tutorGroup=8A"));
        Assert.Equal(0, await Assessed("yearGroup=9"));
        Assert.Equal(0, await Assessed("tutorGroup=9B"));

        // Every read of pupil-level data is audited (R18).
        var trail = await s.Host.Services.GetRequiredService<IAuditTrail>().ReadAsync(s.SchoolId, sub.PupilId, null, null, default);
        Assert.Contains(trail, e => e.Action == "report.read" && e.Outcome == "success");
    }

    [Theory]
    [InlineData("academicYear=2026/27&round=4")]
    [InlineData("academicYear=2026-27&round=1")]
    [InlineData("academicYear=2026/28&round=1")]
    [InlineData("round=1")]
    public async Task Cohort_query_with_a_bad_round_or_year_is_400(string query)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var staff = await s.StaffAsync("Practitioner");
        var response = await s.Host.InvokeAsync<Reports>((f, r) => f.GetCohort(r, s.SchoolId, default), new HttpRequestSpec("GET", "/", staff, Query: query));
        Assert.Equal((400, "validation-failed"), (response.Status, response.Code));
    }
}

/// <summary>A model source a test can switch, standing in for publishing a new version to the models container.</summary>
internal sealed class SwitchableModels : IScoringModels
{
    public ScoringModel Current { get; set; } = ScoringModel.Default;

    public ValueTask<ScoringModel> CurrentAsync(CancellationToken ct) => ValueTask.FromResult(Current);
}

/// <summary>Stands in for a crash between the scoring transaction and the audit append: the first once-append throws.</summary>
internal sealed class CrashBeforeAudit
{
    public volatile bool Armed;

    public void Wrap(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IAuditTrail));
        services.AddSingleton<IAuditTrail>(sp => new Trail(this, (IAuditTrail)(real.ImplementationFactory?.Invoke(sp) ?? real.ImplementationInstance!)));
    }

    private sealed class Trail(CrashBeforeAudit crash, IAuditTrail inner) : IAuditTrail
    {
        public Task AppendAsync(AuditRecord record, CancellationToken ct) => inner.AppendAsync(record, ct);
        public Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct) => inner.AppendManyAsync(records, ct);
        public Task<bool> AppendOnceAsync(string onceKey, IReadOnlyList<AuditRecord> records, CancellationToken ct)
        {
            if (crash.Armed)
            {
                crash.Armed = false;
                throw new IOException("The instance stopped before the audit append.");
            }
            return inner.AppendOnceAsync(onceKey, records, ct);
        }
        public Task<IReadOnlyList<AuditEntry>> ReadAsync(string schoolId, string? pupilId, DateTimeOffset? fromTime, DateTimeOffset? toTime, CancellationToken ct) =>
            inner.ReadAsync(schoolId, pupilId, fromTime, toTime, ct);
        public Task<AuditVerification> VerifyAsync(string schoolId, CancellationToken ct) => inner.VerifyAsync(schoolId, ct);
    }
}
