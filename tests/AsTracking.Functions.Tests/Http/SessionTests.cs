using System.Text.RegularExpressions;
using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Tests.Http;

/// <summary>POST /api/schools/{schoolId}/sessions: supervised sessions and their single-use codes (R7).</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class SessionTests(AzuriteFixture azurite)
{
    [GeneratedRegex("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")]
    private static partial Regex CodeShape();

    private static List<(string PupilId, string Reason)> Skipped(ApiResponse response) =>
        response.Json.GetProperty("skipped").EnumerateArray().Select(k => (k.GetProperty("pupilId").GetString()!, k.GetProperty("reason").GetString()!)).ToList();

    private static List<string> CodedPupils(ApiResponse response) =>
        response.Json.GetProperty("codes").EnumerateArray().Select(c => c.GetProperty("pupilId").GetString()!).ToList();

    [Fact]
    public async Task Each_eligible_pupil_gets_one_distinct_code_stored_only_as_a_keyed_hash_R7()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben", "Cal");
        var closesAt = DateTimeOffset.UtcNow.AddDays(2);
        var response = await s.OpenSessionAsync(staff, new { academicYear = "2026/27", round = 1, yearGroup = 8, closesAt });

        Assert.True(response.Status == 201, response.ToString());
        Assert.Equal(closesAt.ToUnixTimeSeconds(), response.Json.GetProperty("closesAt").GetDateTimeOffset().ToUnixTimeSeconds());
        var codes = response.Json.GetProperty("codes").EnumerateArray().ToList();
        Assert.Equal(pupils.Values.Order(), codes.Select(c => c.GetProperty("pupilId").GetString()).Order());
        Assert.All(codes, c => Assert.Matches(CodeShape(), c.GetProperty("code").GetString()));
        Assert.Equal(3, codes.Select(c => c.GetProperty("code").GetString()).Distinct().Count());
        Assert.Empty(Skipped(response));

        var stored = await s.Storage.CodesAsync(s.SchoolId);
        var sessionId = response.Json.GetProperty("sessionId").GetString();
        Assert.Equal(3, stored.Count);
        Assert.All(stored, c =>
        {
            Assert.Equal(sessionId, c.GetString("SessionId"));
            Assert.Matches("^[0-9a-f]{32}$", c.PartitionKey); // a keyed hash, never the code
        });
        Assert.Single(await s.Storage.RowsAsync(s.SchoolId, "session|"));
    }

    [Fact]
    public async Task Opted_out_pupil_is_skipped_with_reason_R7_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben");
        Assert.Equal(200, (await s.RecordConsentAsync(staff, pupils["Ben"])).Status);

        var byId = await s.OpenSessionAsync(staff, Scenario.SessionFor([pupils["Ada"], pupils["Ben"]]));
        var byGroup = await s.OpenSessionAsync(staff, new { academicYear = "2026/27", round = 1, tutorGroup = "8A", closesAt = DateTimeOffset.UtcNow.AddHours(1) });

        foreach (var response in new[] { byId, byGroup })
        {
            Assert.True(response.Status == 201, response.ToString());
            Assert.Equal([pupils["Ada"]], CodedPupils(response));
            Assert.Equal([(pupils["Ben"], "opted-out")], Skipped(response));
        }
        Assert.DoesNotContain(await s.Storage.CodesAsync(s.SchoolId), c => c.GetString("PupilId") == pupils["Ben"]);
    }

    [Fact]
    public async Task Pupil_with_a_submission_in_the_round_is_skipped_as_already_assessed_but_not_in_another_round_R7()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben");
        var codes = await s.IssueCodesAsync(staff, pupils["Ada"]);
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]]))).Status);

        var sameRound = await s.OpenSessionAsync(staff, Scenario.SessionFor([pupils["Ada"], pupils["Ben"]]));
        Assert.True(sameRound.Status == 201, sameRound.ToString());
        Assert.Equal([pupils["Ben"]], CodedPupils(sameRound));
        Assert.Equal([(pupils["Ada"], "already-assessed")], Skipped(sameRound));

        var nextRound = await s.OpenSessionAsync(staff, Scenario.SessionFor([pupils["Ada"]], round: 2));
        Assert.Equal([pupils["Ada"]], CodedPupils(nextRound));
        Assert.Empty(Skipped(nextRound));
    }

    [Fact]
    public async Task Leaver_given_by_id_is_skipped_as_not_on_roll_and_left_out_of_group_sessions_R6_R7()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben");
        // A replace upload without Ben makes him a leaver.
        Assert.Equal(200, (await s.UploadRollAsync(staff, Scenario.Csv(Scenario.Row(1, given: "Ada")))).Status);

        var byId = await s.OpenSessionAsync(staff, Scenario.SessionFor([pupils["Ada"], pupils["Ben"]]));
        Assert.True(byId.Status == 201, byId.ToString());
        Assert.Equal([pupils["Ada"]], CodedPupils(byId));
        Assert.Equal([(pupils["Ben"], "not-on-roll")], Skipped(byId));

        var byYear = await s.OpenSessionAsync(staff, new { academicYear = "2026/27", round = 1, yearGroup = 8, closesAt = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal([pupils["Ada"]], CodedPupils(byYear));
        Assert.Empty(Skipped(byYear));
    }

    [Fact]
    public async Task Codes_appear_in_the_create_response_and_nowhere_in_storage_or_logs_R7()
    {
        var logs = new CapturingLoggerProvider();
        await using var s = await Scenario.CreateAsync(azurite,
            configure: services => services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben", "Cal");
        var codes = (await s.IssueCodesAsync(staff, [.. pupils.Values])).Values.ToList();
        var sessionId = Assert.Single(await s.Storage.RowsAsync(s.SchoolId, "session|")).RowKey["session|".Length..];
        // A submission too, so the claim, record, raw blob and audit entries are all in storage when it is scanned.
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(codes[0]))).Status);

        var forms = codes.SelectMany(c => new[] { c, c.Replace("-", "", StringComparison.Ordinal) }).ToList();
        Assert.Empty(await s.Storage.FindAnywhereAsync(forms));
        // The scan does read keys and values: it finds the session id in the session's row key and in the code entities.
        var control = await s.Storage.FindAnywhereAsync([sessionId]);
        Assert.Contains(control, h => h.StartsWith($"table Schools ({s.SchoolId}, session|", StringComparison.Ordinal));
        Assert.Equal(3, control.Count(h => h.StartsWith("table Codes", StringComparison.Ordinal) && h.Contains(".SessionId", StringComparison.Ordinal)));
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => forms.Any(f => l.Contains(f, StringComparison.OrdinalIgnoreCase)));
    }

    [Theory]
    [InlineData(-1)]                 // already closed
    [InlineData(7 * 24 * 60 + 1)]    // more than 7 days ahead
    public async Task Closes_at_in_the_past_or_more_than_seven_days_ahead_is_400_R7(int minutesAhead)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada");
        var response = await s.OpenSessionAsync(staff,
            new { academicYear = "2026/27", round = 1, pupilIds = pupils.Values, closesAt = DateTimeOffset.UtcNow.AddMinutes(minutesAhead) });
        Assert.Equal((400, "validation-failed"), (response.Status, response.Code));
        Assert.True(response.Json.GetProperty("errors").TryGetProperty("closesAt", out _), response.Body);
        Assert.Empty(await s.Storage.CodesAsync(s.SchoolId));

        var almostAWeek = await s.OpenSessionAsync(staff,
            new { academicYear = "2026/27", round = 1, pupilIds = pupils.Values, closesAt = DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-5) });
        Assert.Equal(201, almostAWeek.Status);
    }

    [Fact]
    public async Task Tutor_opens_sessions_only_for_own_groups_R2_R7()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var pupils = await s.SeedRollAsync(admin, Scenario.Row(1, 8, "8A", "Ada"), Scenario.Row(2, 8, "8B", "Ben"));
        var tutor = await s.StaffAsync("Tutor", "tutor", tutorGroups: ["8A"]);
        var closesAt = DateTimeOffset.UtcNow.AddHours(1);

        var otherGroup = await s.OpenSessionAsync(tutor, new { academicYear = "2026/27", round = 1, tutorGroup = "8B", closesAt });
        Assert.Equal((403, "forbidden"), (otherGroup.Status, otherGroup.Code));
        var otherPupil = await s.OpenSessionAsync(tutor, Scenario.SessionFor([pupils["Ada"], pupils["Ben"]]));
        Assert.Equal((403, "forbidden"), (otherPupil.Status, otherPupil.Code));
        Assert.Empty(await s.Storage.CodesAsync(s.SchoolId));

        var ownGroup = await s.OpenSessionAsync(tutor, new { academicYear = "2026/27", round = 1, tutorGroup = "8A", closesAt });
        var unfiltered = await s.OpenSessionAsync(tutor, new { academicYear = "2026/27", round = 1, closesAt });
        var ownPupil = await s.OpenSessionAsync(tutor, Scenario.SessionFor([pupils["Ada"]]));
        foreach (var response in new[] { ownGroup, unfiltered, ownPupil })
        {
            Assert.True(response.Status == 201, response.ToString());
            Assert.Equal([pupils["Ada"]], CodedPupils(response));
        }
    }

    [Fact]
    public async Task Suspended_school_cannot_open_sessions_R1_R7()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada");
        Assert.Equal(200, (await s.PutSchoolAsync(s.SchoolId, "suspended")).Status);

        var response = await s.OpenSessionAsync(staff, Scenario.SessionFor([.. pupils.Values]));
        Assert.Equal((403, "school-suspended"), (response.Status, response.Code));
        Assert.Empty(await s.Storage.CodesAsync(s.SchoolId));
    }

    [Fact]
    public async Task Another_schools_pupil_in_pupil_ids_is_404_like_a_missing_one_and_no_code_is_issued_R5_R6()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada");
        var otherSchool = AzuriteFixture.UniqueName("other-");
        Assert.Equal(201, (await s.PutSchoolAsync(otherSchool)).Status);
        var otherStaff = await s.StaffAsync("SchoolAdmin,Practitioner", tenant: TestTokens.TenantB, schoolId: otherSchool);
        Assert.Equal(200, (await s.UploadRollAsync(otherStaff, Scenario.Csv(Scenario.Row(7, given: "Zed")), schoolId: otherSchool)).Status);
        var foreign = Assert.Single((await s.ListPupilsAsync(otherStaff, schoolId: otherSchool)).Json.EnumerateArray()).GetProperty("pupilId").GetString()!;

        var cross = await s.OpenSessionAsync(staff, Scenario.SessionFor([pupils["Ada"], foreign]));
        var missing = await s.OpenSessionAsync(staff, Scenario.SessionFor([pupils["Ada"], Core.Ids.NewOpaqueId(Core.IdKinds.Pupil)]));

        Assert.Equal((404, "not-found"), (cross.Status, cross.Code));
        Assert.Equal(missing.Body, cross.Body);
        Assert.Empty(await s.Storage.CodesAsync(s.SchoolId));
        Assert.Empty(await s.Storage.CodesAsync(otherSchool));
        Assert.Empty(await s.Storage.RowsAsync(s.SchoolId, "session|"));
    }

    [Theory]
    [InlineData("2026/27", 4, "round")]
    [InlineData("2026/27", 0, "round")]
    [InlineData("2026-27", 1, "academicYear")]
    [InlineData("2026/28", 1, "academicYear")]
    [InlineData("26/27", 1, "academicYear")]
    [InlineData("", 1, "academicYear")]
    public async Task Round_outside_1_to_3_or_malformed_academic_year_is_400_R7(string academicYear, int round, string field)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada");
        var response = await s.OpenSessionAsync(staff, new { academicYear, round, pupilIds = pupils.Values, closesAt = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal((400, "validation-failed"), (response.Status, response.Code));
        Assert.True(response.Json.GetProperty("errors").TryGetProperty(field, out _), response.Body);
        Assert.Empty(await s.Storage.CodesAsync(s.SchoolId));
    }
}
