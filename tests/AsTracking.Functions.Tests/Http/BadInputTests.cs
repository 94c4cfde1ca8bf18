using AsTracking.Functions.Http;
using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;

namespace AsTracking.Functions.Tests.Http;

/// <summary>Bad input always gets problem+json with a stable code, and nothing is written.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(AzuriteFixture azurite)
{
    private static async Task<ApiResponse> PutSchoolRaw(Scenario s, string schoolId, string body) =>
        await s.Host.InvokeAsync<Schools>((f, r) => f.PutSchool(r, schoolId, default),
            new HttpRequestSpec("PUT", $"/api/schools/{schoolId}", s.PlatformAdminToken, RawBody: body));

    private static void AssertProblem(ApiResponse response, int status, string code)
    {
        Assert.True(response.Status == status, response.ToString());
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal(code, response.Code);
        Assert.Equal(status, response.Json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("title").GetString()));
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal); // never a stack trace
    }

    [Theory]
    [InlineData("{\"name\": ", "body")]
    [InlineData("not json at all", "body")]
    [InlineData("{\"name\": 5, \"codeOfConductSignedOn\": \"2026-09-01\", \"codeOfConductSignedBy\": \"x\", \"status\": \"active\"}", "name")]
    [InlineData("{\"name\": \"A\", \"codeOfConductSignedOn\": \"yesterday\", \"codeOfConductSignedBy\": \"x\", \"status\": \"active\"}", "codeOfConductSignedOn")]
    [InlineData("{\"name\": \"A\", \"codeOfConductSignedOn\": \"2026-09-01\", \"codeOfConductSignedBy\": \"x\", \"status\": \"closed\"}", "status")]
    [InlineData("{\"name\": \"A\", \"codeOfConductSignedOn\": \"2026-09-01\", \"codeOfConductSignedBy\": \"x\", \"status\": 1}", "status")]
    [InlineData("{}", "name")]
    [InlineData("[]", "body")]
    public async Task Malformed_wrongly_typed_or_incomplete_school_is_400_and_not_written_R1(string body, string field)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var schoolId = AzuriteFixture.UniqueName("new-");
        var response = await PutSchoolRaw(s, schoolId, body);
        AssertProblem(response, 400, "validation-failed");
        Assert.True(response.Json.GetProperty("errors").TryGetProperty(field, out _), response.Body);
        var get = await s.Host.InvokeAsync<Schools>((f, r) => f.GetSchool(r, schoolId, default), new HttpRequestSpec("GET", "/", s.PlatformAdminToken));
        AssertProblem(get, 404, "not-found");
    }

    [Fact]
    public async Task Missing_fields_are_each_named_R1()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var response = await PutSchoolRaw(s, AzuriteFixture.UniqueName("new-"), "{}");
        var errors = response.Json.GetProperty("errors");
        foreach (var field in new[] { "name", "codeOfConductSignedOn", "codeOfConductSignedBy", "status" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Body_over_one_MiB_is_413()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var response = await PutSchoolRaw(s, AzuriteFixture.UniqueName("new-"), "{\"name\":\"" + new string('a', 1024 * 1024 + 10) + "\"}");
        AssertProblem(response, 413, "payload-too-large");
    }

    [Theory]
    [InlineData("School/One")]
    [InlineData("school#1")]
    [InlineData("school?x=1")]
    [InlineData("school\u0001ctl")]
    [InlineData("ab")]
    [InlineData("UPPER-case")]
    [InlineData("a-very-long-school-identifier-that-goes-on-and-on-beyond-forty")]
    public async Task Invalid_school_id_is_400_R5(string schoolId)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var response = await PutSchoolRaw(s, schoolId, "{\"name\":\"A\",\"codeOfConductSignedOn\":\"2026-09-01\",\"codeOfConductSignedBy\":\"x\",\"status\":\"active\"}");
        AssertProblem(response, 400, "validation-failed");
        Assert.DoesNotContain(schoolId, response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_record_for_a_school_that_does_not_exist_is_404_R1()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var oid = Guid.NewGuid().ToString();
        var response = await s.Host.InvokeAsync<Staff>((f, r) => f.PutStaff(r, "no-such-school", oid, default),
            new HttpRequestSpec("PUT", "/", s.PlatformAdminToken, new { tenantId = TestTokens.TenantA, displayName = "X", roles = new[] { "Tutor" } }));
        AssertProblem(response, 404, "not-found");
    }

    [Fact]
    public async Task Staff_with_unknown_role_is_400_R3()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var oid = Guid.NewGuid().ToString();
        var response = await s.Host.InvokeAsync<Staff>((f, r) => f.PutStaff(r, s.SchoolId, oid, default),
            new HttpRequestSpec("PUT", "/", s.PlatformAdminToken, new { tenantId = TestTokens.TenantA, displayName = "X", roles = new[] { "Headteacher" } }));
        AssertProblem(response, 400, "validation-failed");
    }

    [Theory]
    [InlineData("upn,givenName,familyName,dateOfBirth,yearGroup,tutorGroup\nB801200005001,A,B,2014-01-01,7,7A\n")]
    [InlineData("UPN,GivenName,FamilyName,DateOfBirth,YearGroup,TutorGroup,House\nB801200005001,A,B,2014-01-01,7,7A,Red\n")]
    [InlineData("upn,givenName,familyName,dateOfBirth,yearGroup,tutorGroup,house\nB801200005001,A,B,2014-01-01,7,7A\n")]
    [InlineData("\uFEFFupn,givenName,familyName,dateOfBirth,yearGroup,tutorGroup,house\nB801200005001,A,B,2014-01-01,7,7A,Red\n")]
    [InlineData("upn,givenName,familyName,dateOfBirth,yearGroup,tutorGroup,house\n")]
    [InlineData("")]
    public async Task Structurally_bad_csv_is_400_and_the_roll_is_unchanged(string csv)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        Assert.Equal(200, (await s.UploadRollAsync(admin, Scenario.Csv(Scenario.Row(1)))).Status);
        var response = await s.UploadRollAsync(admin, csv);
        AssertProblem(response, 400, "validation-failed");
        var list = await s.ListPupilsAsync(admin);
        Assert.Equal(1, list.Json.GetArrayLength());
        Assert.Equal("on-roll", list.Json[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("A801200005001", 8, null)] // invalid check letter
    [InlineData(null, 2, null)]             // year group 2
    [InlineData(null, 14, null)]            // year group 14
    [InlineData(null, 8, "2099-01-01")]     // born in the future
    [InlineData(null, 8, "2024-01-01")]     // too young (age outside 7-19)
    [InlineData(null, 8, "1990-01-01")]     // too old
    public async Task Bad_rows_are_rejected_one_by_one_and_valid_rows_still_apply(string? upn, int yearGroup, string? dob)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var bad = $"{upn ?? Scenario.ValidUpn(9)},Bad,Row,{dob ?? Scenario.DobForYear(8)},{yearGroup},8A,Red";
        var response = await s.UploadRollAsync(admin, Scenario.Csv(Scenario.Row(1), bad));
        Assert.Equal(200, response.Status);
        Assert.Equal(1, response.Json.GetProperty("added").GetInt32());
        var rejected = Assert.Single(response.Json.GetProperty("rejected").EnumerateArray());
        Assert.Equal(2, rejected.GetProperty("row").GetInt32());
        Assert.DoesNotContain(upn ?? Scenario.ValidUpn(9), response.Body, StringComparison.Ordinal);

        // The same bad row alone applies nothing and is a 400.
        var alone = await s.UploadRollAsync(admin, Scenario.Csv(bad), mode: "upsert");
        AssertProblem(alone, 400, "validation-failed");
    }

    [Fact]
    public async Task Duplicate_upn_in_one_upload_rejects_the_later_row()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var response = await s.UploadRollAsync(admin, Scenario.Csv(Scenario.Row(1), Scenario.Row(1, given: "Other")));
        Assert.Equal(200, response.Status);
        Assert.Equal(1, response.Json.GetProperty("added").GetInt32());
        Assert.Equal(2, Assert.Single(response.Json.GetProperty("rejected").EnumerateArray()).GetProperty("row").GetInt32());
    }

    [Fact]
    public async Task Unknown_roll_mode_is_400()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        AssertProblem(await s.UploadRollAsync(admin, Scenario.Csv(Scenario.Row(1)), mode: "merge"), 400, "validation-failed");
    }
}
