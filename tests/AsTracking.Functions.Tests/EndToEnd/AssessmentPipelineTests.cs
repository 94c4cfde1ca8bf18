using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;

namespace AsTracking.Functions.Tests.EndToEnd;

/// <summary>
/// The real path over HTTP and queues (R6-R12): open a session, submit the domain's worked example, let the queue
/// pump score it, and read the report, cohort, priority list and alert back.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AssessmentPipelineTests(AzuriteFixture azurite)
{
    private static readonly int[] WorkedOut = Scenario.WorkedOut;
    private static readonly int[] WorkedIn = Scenario.WorkedIn;

    [Fact]
    public async Task Worked_example_flows_from_session_to_report_cohort_priority_and_alert_R7_R8_R11_R12()
    {
        await using var app = await AppDevHost.StartAsync(azurite);
        var schoolId = AzuriteFixture.UniqueName("e2e-");
        var admin = app.Tokens.Mint(TestTokens.TenantA, Guid.NewGuid().ToString(), roles: ["Platform.Admin"]);
        var (status, _) = await app.SendAsync(HttpMethod.Put, $"/api/schools/{schoolId}", admin,
            new { name = "E2E School", codeOfConductSignedOn = "2026-09-01", codeOfConductSignedBy = "Head", status = "active" });
        Assert.Equal(201, status);
        var oid = Guid.NewGuid().ToString();
        (status, _) = await app.SendAsync(HttpMethod.Put, $"/api/schools/{schoolId}/staff/{oid}", admin, new
        {
            tenantId = TestTokens.TenantA, displayName = "Practitioner", roles = new[] { "SchoolAdmin", "Practitioner" },
            training = new[] { new { level = "practitioner", completedOn = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM-dd") } },
        });
        Assert.Equal(201, status);
        var staff = app.Tokens.Mint(TestTokens.TenantA, oid);
        (status, _) = await app.SendAsync(HttpMethod.Put, $"/api/schools/{schoolId}/roll", staff, csv: Scenario.Csv(Scenario.Row(1), Scenario.Row(2)));
        Assert.Equal(200, status);
        var (_, pupils) = await app.SendAsync(HttpMethod.Get, $"/api/schools/{schoolId}/pupils", staff);
        var pupilId = pupils.EnumerateArray().First().GetProperty("pupilId").GetString()!;

        var (created, session) = await app.SendAsync(HttpMethod.Post, $"/api/schools/{schoolId}/sessions", staff,
            new { academicYear = "2026/27", round = 1, pupilIds = new[] { pupilId }, closesAt = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(201, created);
        var code = Assert.Single(session.GetProperty("codes").EnumerateArray()).GetProperty("code").GetString()!;

        var submission = new { code = code.ToLowerInvariant(), outOfSchool = WorkedOut, inSchool = WorkedIn, startedAt = "2026-12-04T09:00:00Z", completedAt = "2026-12-04T09:12:00Z", accommodations = new[] { "reader" } };
        var (accepted, receipt) = await app.SendAsync(HttpMethod.Post, "/api/assessments", json: submission);
        Assert.Equal(202, accepted);
        var submissionId = receipt.GetProperty("submissionId").GetString();
        Assert.Equal("received", receipt.GetProperty("status").GetString());
        var (again, retry) = await app.SendAsync(HttpMethod.Post, "/api/assessments", json: submission);
        Assert.Equal((202, submissionId), (again, retry.GetProperty("submissionId").GetString()));
        var (used, problem) = await app.SendAsync(HttpMethod.Post, "/api/assessments", json: submission with { outOfSchool = WorkedIn });
        Assert.Equal((409, "code-used"), (used, problem.GetProperty("code").GetString()));

        System.Text.Json.JsonElement report = default;
        await Eventually(async () =>
        {
            (status, report) = await app.SendAsync(HttpMethod.Get, $"/api/schools/{schoolId}/pupils/{pupilId}/report", staff);
            return status == 200 && report.GetProperty("rounds").GetArrayLength() == 1;
        }, "the submission to be scored");
        Assert.Equal("default-v1@1", report.GetProperty("modelVersion").GetString());
        Assert.Contains("advisory", report.GetProperty("advisory").GetString(), StringComparison.OrdinalIgnoreCase);
        var round = report.GetProperty("rounds")[0];
        var outside = round.GetProperty("contexts").GetProperty("outOfSchool");
        var inside = round.GetProperty("contexts").GetProperty("inSchool");
        Assert.Equal([1.5, 12.75, 6.75, 6.75], Scores(outside));
        Assert.Equal([6.0, 9.0, 9.0, 6.0], Scores(inside));
        Assert.Equal("polar-low", outside.GetProperty("bands").GetProperty("selfDisclosure").GetString());
        Assert.Equal("polar-high", outside.GetProperty("bands").GetProperty("trustOfSelf").GetString());
        Assert.Equal("priority", round.GetProperty("priority").GetString());
        var flags = round.GetProperty("flags").EnumerateArray().Select(f => (f.GetProperty("type").GetString(), f.GetProperty("severity").GetInt32())).ToList();
        Assert.Equal(3, flags.Count);
        Assert.Equal(2, flags.Count(f => f == ("polar-bias", 1)));
        Assert.Contains(("over-regulation", 2), flags);

        var (_, cohort) = await app.SendAsync(HttpMethod.Get, $"/api/schools/{schoolId}/cohort?academicYear=2026/27&round=1", staff);
        Assert.Equal(1, cohort.GetProperty("assessed").GetInt32());
        Assert.Equal(12.75, cohort.GetProperty("means").GetProperty("outOfSchool").GetProperty("trustOfSelf").GetDouble());
        Assert.Equal(1, cohort.GetProperty("polar").GetProperty("outOfSchool").GetProperty("selfDisclosure").GetProperty("low").GetInt32());
        Assert.Equal(1, cohort.GetProperty("priority").GetProperty("priority").GetInt32());
        Assert.Equal(2, cohort.GetProperty("flags").GetProperty("polar-bias").GetInt32());

        var (_, priority) = await app.SendAsync(HttpMethod.Get, $"/api/schools/{schoolId}/priority?academicYear=2026/27&round=1", staff);
        Assert.Equal(pupilId, Assert.Single(priority.GetProperty("pupils").EnumerateArray()).GetProperty("pupilId").GetString());

        System.Text.Json.JsonElement feed = default;
        await Eventually(async () =>
        {
            (status, feed) = await app.SendAsync(HttpMethod.Get, $"/api/schools/{schoolId}/notifications", staff);
            return status == 200 && feed.GetArrayLength() > 0;
        }, "the pastoral alert");
        var alert = Assert.Single(feed.EnumerateArray());
        Assert.Equal((pupilId, "priority"), (alert.GetProperty("pupilId").GetString(), alert.GetProperty("priority").GetString()));
    }

    [Fact]
    public async Task Malformed_scoring_message_ends_in_the_poison_queue_after_five_tries_R8()
    {
        await using var app = await AppDevHost.StartAsync(azurite);
        var options = new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 };
        var queue = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, "assessment-scoring", options);
        var poison = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, "assessment-scoring-poison", options);
        await queue.CreateIfNotExistsAsync();
        await poison.CreateIfNotExistsAsync();
        var marker = "not-a-scoring-message-" + Guid.NewGuid().ToString("N");
        await queue.SendMessageAsync(marker);
        await Eventually(async () => (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString() == marker), "the poison queue");
        var poisoned = (await poison.PeekMessagesAsync(32)).Value.Single(m => m.Body.ToString() == marker);
        Assert.NotNull(poisoned);
    }

    private static double[] Scores(System.Text.Json.JsonElement context)
    {
        var scores = context.GetProperty("scores");
        return new[] { "selfDisclosure", "trustOfSelf", "trustOfOthers", "seekingChange" }.Select(f => scores.GetProperty(f).GetDouble()).ToArray();
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
