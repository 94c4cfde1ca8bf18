using AsTracking.Functions.Http;
using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Tests.Http;

[Collection(AzuriteCollection.Name)]
public sealed class PupilDataTests(AzuriteFixture azurite)
{
    private static Task<ApiResponse> Consent(Scenario s, string token, string pupilId, object body, string? schoolId = null) =>
        s.Host.InvokeAsync<Consent>((f, r) => f.RecordConsent(r, schoolId ?? s.SchoolId, pupilId, default), new HttpRequestSpec("POST", "/", token, body));

    private static Task<ApiResponse> ConsentHistory(Scenario s, string token, string pupilId) =>
        s.Host.InvokeAsync<Consent>((f, r) => f.GetConsent(r, s.SchoolId, pupilId, default), new HttpRequestSpec("GET", "/", token));

    private static async Task<string[]> SeedAsync(Scenario s, string admin)
    {
        var upload = await s.UploadRollAsync(admin, Scenario.Csv(Scenario.Row(1, 8, "8A"), Scenario.Row(2, 8, "8B"), Scenario.Row(3, 9, "9A")));
        Assert.Equal(200, upload.Status);
        var list = await s.ListPupilsAsync(admin);
        return list.Json.EnumerateArray().OrderBy(p => p.GetProperty("tutorGroup").GetString()).Select(p => p.GetProperty("pupilId").GetString()!).ToArray();
    }

    [Fact]
    public async Task Tutor_sees_only_own_tutor_groups_R2()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        await SeedAsync(s, admin);
        var tutor = await s.StaffAsync("Tutor", "tutor", tutorGroups: ["8A"]);
        var list = await s.ListPupilsAsync(tutor);
        Assert.Equal("8A", Assert.Single(list.Json.EnumerateArray()).GetProperty("tutorGroup").GetString());
        var filtered = await s.ListPupilsAsync(tutor, "tutorGroup=9A");
        Assert.Equal(0, filtered.Json.GetArrayLength());
        var byYear = await s.ListPupilsAsync(admin, "yearGroup=9");
        Assert.Equal(1, byYear.Json.GetArrayLength());
        Assert.Equal(400, (await s.ListPupilsAsync(admin, "yearGroup=14")).Status);
    }

    [Fact]
    public async Task Untrained_practitioner_gets_training_required_R2()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var expired = await s.StaffAsync("Practitioner", completedOn: DateTime.UtcNow.AddMonths(-25).ToString("yyyy-MM-dd"));
        var response = await s.ListPupilsAsync(expired);
        Assert.Equal(403, response.Status);
        Assert.Equal("training-required", response.Code);
    }

    [Fact]
    public async Task Another_schools_staff_and_pupil_ids_answer_404_like_missing_ones_R5()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin,Practitioner");
        var pupils = await SeedAsync(s, admin);
        var otherSchool = AzuriteFixture.UniqueName("other-");
        Assert.Equal(201, (await s.PutSchoolAsync(otherSchool)).Status);
        var otherStaff = await s.StaffAsync("SchoolAdmin,Practitioner,DataProtectionOfficer", tenant: TestTokens.TenantB, schoolId: otherSchool);

        var crossList = await s.ListPupilsAsync(otherStaff);
        var missingSchool = await s.ListPupilsAsync(otherStaff, schoolId: "no-such-school");
        Assert.Equal((404, "not-found"), (crossList.Status, crossList.Code));
        Assert.Equal(missingSchool.Body, crossList.Body);

        // Another school's pupil id through one's own school: the same answer as a pupil that never existed.
        var cross = await Consent(s, otherStaff, pupils[0], new { decision = "opt-out", requestedBy = "parent", receivedOn = "2026-11-01" }, otherSchool);
        var missing = await Consent(s, otherStaff, Core.Ids.NewOpaqueId('p'), new { decision = "opt-out", requestedBy = "parent", receivedOn = "2026-11-01" }, otherSchool);
        Assert.Equal(404, cross.Status);
        Assert.Equal(missing.Body, cross.Body);
    }

    [Fact]
    public async Task Opt_out_and_opt_in_are_kept_as_history_and_a_retry_adds_nothing_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var dpo = await s.StaffAsync("DataProtectionOfficer", trainingLevel: null);
        var pupil = (await SeedAsync(s, admin))[0];
        var optOut = new { decision = "opt-out", requestedBy = "parent", receivedOn = "2026-11-01", note = "Letter from parent", erase = true };
        var first = await Consent(s, admin, pupil, optOut);
        Assert.Equal(200, first.Status);
        Assert.True(first.Json.GetProperty("optedOut").GetBoolean());
        Assert.True(first.Json.GetProperty("erasureRequested").GetBoolean());
        var retry = await Consent(s, admin, pupil, optOut);
        Assert.Equal(1, retry.Json.GetProperty("history").GetArrayLength());

        var optIn = await Consent(s, admin, pupil, new { decision = "opt-in", requestedBy = "pupil", receivedOn = "2026-11-20" });
        Assert.False(optIn.Json.GetProperty("optedOut").GetBoolean());
        Assert.False(optIn.Json.GetProperty("erasureRequested").GetBoolean());

        var history = await ConsentHistory(s, dpo, pupil);
        Assert.Equal(200, history.Status);
        var events = history.Json.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["opt-out", "opt-in"], events.Select(e => e.GetProperty("decision").GetString()));
        Assert.Equal("Letter from parent", events[0].GetProperty("note").GetString());

        var list = await s.ListPupilsAsync(admin);
        Assert.Contains(list.Json.EnumerateArray(), p => p.GetProperty("pupilId").GetString() == pupil && !p.GetProperty("optedOut").GetBoolean());
    }

    [Theory]
    [InlineData("{\"decision\":\"maybe\",\"requestedBy\":\"parent\",\"receivedOn\":\"2026-11-01\"}")]
    [InlineData("{\"decision\":\"opt-out\",\"requestedBy\":\"parent\",\"receivedOn\":\"2099-11-01\"}")]
    [InlineData("{\"decision\":\"opt-in\",\"requestedBy\":\"parent\",\"receivedOn\":\"2026-11-01\",\"erase\":true}")]
    [InlineData("{\"requestedBy\":\"parent\",\"receivedOn\":\"2026-11-01\"}")]
    public async Task Bad_consent_request_is_400_and_records_nothing_R9(string body)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var pupil = (await SeedAsync(s, admin))[0];
        var response = await s.Host.InvokeAsync<Consent>((f, r) => f.RecordConsent(r, s.SchoolId, pupil, default), new HttpRequestSpec("POST", "/", admin, RawBody: body));
        Assert.Equal(400, response.Status);
        Assert.Equal("validation-failed", response.Code);
        Assert.Equal(0, (await ConsentHistory(s, admin, pupil)).Json.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Reads_and_changes_of_pupil_data_are_audited_and_the_chain_verifies_R18()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var dpo = await s.StaffAsync("DataProtectionOfficer", trainingLevel: null);
        var pupil = (await SeedAsync(s, admin))[0];
        await Consent(s, admin, pupil, new { decision = "opt-out", requestedBy = "parent", receivedOn = "2026-11-01" });
        await ConsentHistory(s, admin, pupil);

        var trail = await s.Host.InvokeAsync<Audit>((f, r) => f.ReadAudit(r, s.SchoolId, default), new HttpRequestSpec("GET", "/", dpo));
        Assert.Equal(200, trail.Status);
        var actions = trail.Json.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("roll.add", actions);
        Assert.Contains("pupils.list", actions);
        Assert.Contains("consent.opt-out", actions);
        Assert.Contains("consent.read", actions);
        Assert.All(trail.Json.EnumerateArray(), e => Assert.False(string.IsNullOrEmpty(e.GetProperty("actor").GetString())));

        var forPupil = await s.Host.InvokeAsync<Audit>((f, r) => f.ReadAudit(r, s.SchoolId, default), new HttpRequestSpec("GET", "/", dpo, Query: $"pupilId={pupil}"));
        Assert.Equal(3, forPupil.Json.GetArrayLength()); // roll.add, consent.opt-out, consent.read
        Assert.DoesNotContain(pupil, forPupil.Body, StringComparison.Ordinal); // pseudonyms only

        var verify = await s.Host.InvokeAsync<Audit>((f, r) => f.VerifyAudit(r, s.SchoolId, default), new HttpRequestSpec("GET", "/", dpo));
        Assert.True(verify.Json.GetProperty("valid").GetBoolean());
        Assert.True(verify.Json.GetProperty("entries").GetInt64() >= 8);

        var notDpo = await s.Host.InvokeAsync<Audit>((f, r) => f.VerifyAudit(r, s.SchoolId, default), new HttpRequestSpec("GET", "/", admin));
        Assert.Equal((403, "forbidden"), (notDpo.Status, notDpo.Code));
    }

    [Fact]
    public async Task No_name_upn_or_date_of_birth_reaches_a_log_line_R19()
    {
        var logs = new CapturingLoggerProvider();
        using var tokens = new TestTokens();
        await using var host = new FunctionHost(azurite.ConnectionString, tokens,
            configure: services => services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var schoolId = AzuriteFixture.UniqueName("logs-");
        var admin = tokens.Mint(TestTokens.TenantA, Guid.NewGuid().ToString(), roles: ["Platform.Admin"]);
        await host.InvokeAsync<Schools>((f, r) => f.PutSchool(r, schoolId, default), new HttpRequestSpec("PUT", "/", admin,
            new { name = "Log School", codeOfConductSignedOn = "2026-09-01", codeOfConductSignedBy = "Head", status = "active" }));
        var oid = Guid.NewGuid().ToString();
        await host.InvokeAsync<Staff>((f, r) => f.PutStaff(r, schoolId, oid, default), new HttpRequestSpec("PUT", "/", admin,
            new { tenantId = TestTokens.TenantA, displayName = "Admin", roles = new[] { "SchoolAdmin" } }));
        var staff = tokens.Mint(TestTokens.TenantA, oid);
        var csv = Scenario.Csv(Scenario.Row(1, given: "Zebedee", family: "Quixotic"), $"A801200005001,Bad,Upnrow,{Scenario.DobForYear(8)},8,8A,Red");
        await host.InvokeAsync<Roll>((f, r) => f.PutRoll(r, schoolId, default), new HttpRequestSpec("PUT", "/", staff, RawBody: csv, ContentType: "text/csv"));
        await host.InvokeAsync<Roll>((f, r) => f.ListPupils(r, schoolId, default), new HttpRequestSpec("GET", "/", staff));

        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { "Zebedee", "Quixotic", Scenario.ValidUpn(1), "A801200005001", "Upnrow", Scenario.DobForYear(8) })
        {
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
