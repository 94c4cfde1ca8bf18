using System.Text.RegularExpressions;
using AsTracking.Functions.Tests.Support;
using AsTracking.Storage.Tables;
using AsTracking.Testing;
using Xunit.Abstractions;

namespace AsTracking.Functions.Tests.Http;

/// <summary>POST /api/assessments: anonymous, code-based submissions (R8), and the bad input of issue 3.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubmissionTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>A trained Practitioner, one pupil (Ada) on roll, and her code.</summary>
    private static async Task<(string Staff, string PupilId, string Code)> OneCodeAsync(Scenario s)
    {
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada");
        var codes = await s.IssueCodesAsync(staff, pupils["Ada"]);
        return (staff, pupils["Ada"], codes[pupils["Ada"]]);
    }

    private static void AssertProblem(ApiResponse response, int status, string code) =>
        Assert.True(response.Status == status && response.Code == code, $"expected {status} {code}, got {response}");

    [Fact]
    public async Task Accepted_submission_is_stored_raw_and_queued_for_scoring_before_202_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (_, pupilId, code) = await OneCodeAsync(s);
        var response = await s.SubmitAsync(Scenario.Submission(code));

        Assert.True(response.Status == 202, response.ToString());
        var submissionId = response.Json.GetProperty("submissionId").GetString()!;
        Assert.Equal("received", response.Json.GetProperty("status").GetString());
        Assert.DoesNotContain(pupilId, response.Body, StringComparison.Ordinal); // nothing about the pupil

        var blob = Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
        Assert.Equal($"{s.SchoolId}/{submissionId}.json", blob);
        var sealedRaw = await s.Storage.ReadBlobAsync(StorageNames.SubmissionsContainer, blob);
        Assert.DoesNotContain("outOfSchool", sealedRaw, StringComparison.OrdinalIgnoreCase); // sealed under the pupil's key (R19)
        var message = Assert.Single(await s.Storage.ScoringMessagesAsync(s.SchoolId));
        Assert.Equal(submissionId, message.GetProperty("submissionId").GetString());
        Assert.Equal(message.GetRawText(), Assert.Single(await s.Storage.ScoringMessagesAsync(s.SchoolId)).GetRawText()); // reading left it in place
        var record = Assert.Single(await s.Storage.SubmissionsAsync(s.SchoolId));
        Assert.Equal((pupilId, "2026-27-1", submissionId, "Received"), (record.PupilId, record.RoundKey, record.SubmissionId, record.Status));
    }

    [Fact]
    public async Task Identical_retry_returns_the_same_submission_id_and_stores_no_second_blob_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (_, _, code) = await OneCodeAsync(s);
        var first = await s.SubmitAsync(Scenario.Submission(code));
        // The same answers, with the code typed differently and the accommodations in another order of keys.
        var retryBody = Scenario.Submission(code.ToLowerInvariant());
        var retry = await s.SubmitAsync(retryBody.Reverse().ToDictionary());

        Assert.Equal((202, 202), (first.Status, retry.Status));
        Assert.Equal(first.Json.GetProperty("submissionId").GetString(), retry.Json.GetProperty("submissionId").GetString());
        Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
        Assert.Single(await s.Storage.SubmissionsAsync(s.SchoolId));
        // A retry may re-send the scoring message (the scorer is idempotent), but only ever for the one submission.
        Assert.All(await s.Storage.ScoringMessagesAsync(s.SchoolId),
            m => Assert.Equal(first.Json.GetProperty("submissionId").GetString(), m.GetProperty("submissionId").GetString()));
    }

    [Fact]
    public async Task Different_payload_with_a_used_code_is_409_code_used_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (_, _, code) = await OneCodeAsync(s);
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(code))).Status);
        var other = Scenario.Submission(code);
        other["outOfSchool"] = Scenario.WorkedIn;

        AssertProblem(await s.SubmitAsync(other), 409, "code-used");
        Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
        Assert.Single(await s.Storage.ScoringMessagesAsync(s.SchoolId));
    }

    [Fact]
    public async Task Unknown_expired_and_malformed_codes_get_the_same_403_code_invalid_R7_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada");
        var codes = await s.IssueCodesAsync(staff, pupils["Ada"]);
        await s.Storage.SetCodeClosesAtAsync(s.SchoolId, pupils["Ada"], DateTimeOffset.UtcNow.AddMinutes(-1));

        var unknown = await s.SubmitAsync(Scenario.Submission("ABCD-EFGH-JKLM"));
        var expired = await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]]));
        var malformed = await s.SubmitAsync(Scenario.Submission("not a code at all!"));
        var tooShort = await s.SubmitAsync(Scenario.Submission("ABCD-EFGH"));

        AssertProblem(unknown, 403, "code-invalid");
        Assert.All(new[] { expired, malformed, tooShort }, r => Assert.Equal((unknown.Status, unknown.Body), (r.Status, r.Body)));
        await s.Storage.AssertNoSubmissionStoredAsync(s.SchoolId);
    }

    [Fact]
    public async Task Lowercase_and_space_or_hyphen_variants_of_a_code_are_accepted_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben", "Cal", "Dee");
        var codes = (await s.IssueCodesAsync(staff, [.. pupils.Values])).Values.ToList();
        string[] variants =
        [
            codes[0].ToLowerInvariant(),
            codes[1].Replace("-", "", StringComparison.Ordinal),
            codes[2].Replace('-', ' '),
            $" {codes[3][..2]}-{codes[3][2..].ToLowerInvariant()} ",
        ];
        foreach (var variant in variants)
        {
            var response = await s.SubmitAsync(Scenario.Submission(variant));
            Assert.True(response.Status == 202, $"{variant}: {response}");
        }
        Assert.Equal(4, (await s.Storage.SubmissionBlobsAsync(s.SchoolId)).Count);
    }

    [Theory]
    [InlineData('O')]
    [InlineData('0')]
    [InlineData('I')]
    [InlineData('1')]
    [InlineData('o')]
    [InlineData('i')]
    public async Task Confusable_characters_are_rejected_as_code_invalid_and_do_not_use_the_code_R8(char confusable)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (_, _, code) = await OneCodeAsync(s);
        var unknown = await s.SubmitAsync(Scenario.Submission("ABCD-EFGH-JKLM"));
        var response = await s.SubmitAsync(Scenario.Submission(confusable + code[1..]));

        Assert.Equal((403, unknown.Body), (response.Status, response.Body));
        await s.Storage.AssertNoSubmissionStoredAsync(s.SchoolId);
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(code))).Status);
    }

    [Fact]
    public async Task Opt_out_recorded_after_the_code_was_issued_is_409_pupil_opted_out_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupilId, code) = await OneCodeAsync(s);
        Assert.Equal(200, (await s.RecordConsentAsync(staff, pupilId)).Status);

        AssertProblem(await s.SubmitAsync(Scenario.Submission(code)), 409, "pupil-opted-out");
        await s.Storage.AssertNoSubmissionStoredAsync(s.SchoolId);
    }

    [Fact]
    public async Task Opt_out_and_opt_in_again_after_issue_leave_the_code_usable_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupilId, code) = await OneCodeAsync(s);
        Assert.Equal(200, (await s.RecordConsentAsync(staff, pupilId)).Status);
        Assert.Equal(200, (await s.RecordConsentAsync(staff, pupilId, "opt-in")).Status);

        // The pupil changed since issue, so the claim checks again and finds them eligible.
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(code))).Status);
        Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
    }

    [Fact]
    public async Task Pupil_who_left_the_roll_after_issue_is_422_pupil_not_on_roll_and_a_roll_edit_is_not_R6()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben");
        var codes = await s.IssueCodesAsync(staff, [.. pupils.Values]);
        // Ada leaves (missing from a replacing upload); Ben moves tutor group, which changes his record but not his eligibility.
        Assert.Equal(200, (await s.UploadRollAsync(staff, Scenario.Csv(Scenario.Row(2, tutorGroup: "8B", given: "Ben")))).Status);

        AssertProblem(await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]])), 422, "pupil-not-on-roll");
        var ben = await s.SubmitAsync(Scenario.Submission(codes[pupils["Ben"]]));
        Assert.True(ben.Status == 202, ben.ToString());
        var record = Assert.Single(await s.Storage.SubmissionsAsync(s.SchoolId));
        Assert.Equal(pupils["Ben"], record.PupilId);
    }

    [Fact]
    public async Task Codes_issued_without_a_pupil_version_still_check_the_pupil_R6_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben");
        var codes = await s.IssueCodesAsync(staff, [.. pupils.Values]);
        await s.Storage.ClearCodePupilVersionAsync(s.SchoolId, pupils["Ada"]);
        await s.Storage.ClearCodePupilVersionAsync(s.SchoolId, pupils["Ben"]);
        Assert.Equal(200, (await s.RecordConsentAsync(staff, pupils["Ben"])).Status);

        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]]))).Status);
        AssertProblem(await s.SubmitAsync(Scenario.Submission(codes[pupils["Ben"]])), 409, "pupil-opted-out");
        Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
    }

    [Fact]
    public async Task Identical_retry_after_an_opt_out_is_409_pupil_opted_out_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupilId, code) = await OneCodeAsync(s);
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(code))).Status);
        Assert.Equal(200, (await s.RecordConsentAsync(staff, pupilId)).Status);

        // The opt-out wins over the retry's usual answer, and nothing new is stored.
        AssertProblem(await s.SubmitAsync(Scenario.Submission(code)), 409, "pupil-opted-out");
        Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
    }

    [Fact]
    public async Task Opt_out_racing_a_submission_either_wins_whole_or_loses_whole_R9()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var names = Enumerable.Range(1, 8).Select(i => $"Pupil{(char)('A' + i)}").ToArray();
        var (staff, pupils) = await s.PractitionerWithRollAsync(names);
        var codes = await s.IssueCodesAsync(staff, [.. pupils.Values]);

        var races = pupils.Values.Select(async pupilId =>
        {
            var submit = s.SubmitAsync(Scenario.Submission(codes[pupilId]));
            var optOut = s.RecordConsentAsync(staff, pupilId);
            return (PupilId: pupilId, Submit: await submit, OptOut: await optOut);
        }).ToList();

        var records = new List<string>();
        foreach (var race in await Task.WhenAll(races))
        {
            Assert.Equal(200, race.OptOut.Status);
            Assert.True(race.Submit.Status is 202 or 409, race.Submit.ToString());
            if (race.Submit.Status == 409) Assert.Equal("pupil-opted-out", race.Submit.Code);
            if (race.Submit.Status == 202) records.Add(race.PupilId);
        }
        // A refused submission left no record or blob; an accepted one left one of each.
        var stored = await s.Storage.SubmissionsAsync(s.SchoolId);
        Assert.Equal(records.Order(), stored.Select(r => r.PupilId).Order());
        Assert.Equal(records.Count, (await s.Storage.SubmissionBlobsAsync(s.SchoolId)).Count);
    }

    [Fact]
    public async Task Second_code_for_a_pupil_already_assessed_in_the_round_is_409_code_used_and_stores_nothing_R7_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupilId, first) = await OneCodeAsync(s);
        // A second session in the same round, opened before the first code was used, gives the pupil another code.
        var second = (await s.IssueCodesAsync(staff, pupilId))[pupilId];
        var accepted = await s.SubmitAsync(Scenario.Submission(first));
        Assert.Equal(202, accepted.Status);

        AssertProblem(await s.SubmitAsync(Scenario.Submission(second)), 409, "code-used");
        var record = Assert.Single(await s.Storage.SubmissionsAsync(s.SchoolId));
        Assert.Equal(accepted.Json.GetProperty("submissionId").GetString(), record.SubmissionId);
        Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
    }

    [Fact]
    public async Task Suspended_school_takes_no_submissions_R1()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (_, _, code) = await OneCodeAsync(s);
        Assert.Equal(200, (await s.PutSchoolAsync(s.SchoolId, "suspended")).Status);

        AssertProblem(await s.SubmitAsync(Scenario.Submission(code)), 403, "school-suspended");
        await s.Storage.AssertNoSubmissionStoredAsync(s.SchoolId);
    }

    [Fact]
    public async Task After_ten_failed_attempts_an_address_is_rate_limited_even_with_a_valid_code_and_other_addresses_are_not_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben");
        var codes = await s.IssueCodesAsync(staff, [.. pupils.Values]);
        for (int i = 0; i < 10; i++)
        {
            AssertProblem(await s.SubmitAsync(Scenario.Submission("ABCD-EFGH-JKLM")), 403, "code-invalid");
        }

        AssertProblem(await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]])), 429, "rate-limited");
        AssertProblem(await s.SubmitAsync(Scenario.Submission("ABCD-EFGH-JKLM")), 429, "rate-limited");
        await s.Storage.AssertNoSubmissionStoredAsync(s.SchoolId);

        // Another address (the port that Azure appends is not part of it) is not limited.
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(codes[pupils["Ben"]]), "192.0.2.77:51234")).Status);
        AssertProblem(await s.SubmitAsync(Scenario.Submission("ABCD-EFGH-JKLM"), "192.0.2.77:51235"), 403, "code-invalid");
    }

    /// <summary>Issue 3's bad input: each case changes one thing in a valid submission.</summary>
    public static TheoryData<string, string> BadInput => new()
    {
        { "15 answers", "outOfSchool" },
        { "17 answers", "inSchool" },
        { "a 0", "outOfSchool[0]" },
        { "a 7", "inSchool[15]" },
        { "a non-integer", "outOfSchool[3]" },
        { "a string", "inSchool[2]" },
        { "a missing context", "inSchool" },
        { "a null context", "outOfSchool" },
        { "completedAt before startedAt", "completedAt" },
        { "completedAt equal to startedAt", "completedAt" },
        { "a date without a time", "startedAt" },
        { "an unknown accommodation", "accommodations[1]" },
        { "a missing code", "code" },
    };

    private static Dictionary<string, object?> Spoil(Dictionary<string, object?> body, string change)
    {
        object[] Answers(int[] answers, int index, object value)
        {
            var copy = answers.Cast<object>().ToArray();
            copy[index] = value;
            return copy;
        }
        switch (change)
        {
            case "15 answers": body["outOfSchool"] = Scenario.WorkedOut[..15]; break;
            case "17 answers": body["inSchool"] = Scenario.WorkedIn.Append(3).ToArray(); break;
            case "a 0": body["outOfSchool"] = Answers(Scenario.WorkedOut, 0, 0); break;
            case "a 7": body["inSchool"] = Answers(Scenario.WorkedIn, 15, 7); break;
            case "a non-integer": body["outOfSchool"] = Answers(Scenario.WorkedOut, 3, 2.5); break;
            case "a string": body["inSchool"] = Answers(Scenario.WorkedIn, 2, "4"); break;
            case "a missing context": body.Remove("inSchool"); break;
            case "a null context": body["outOfSchool"] = null; break;
            case "completedAt before startedAt": body["completedAt"] = "2026-12-04T08:59:59Z"; break;
            case "completedAt equal to startedAt": body["completedAt"] = body["startedAt"]; break;
            case "a date without a time": body["startedAt"] = "2026-12-04"; break;
            case "an unknown accommodation": body["accommodations"] = new[] { "reader", "calculator" }; break;
            case "a missing code": body.Remove("code"); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change);
        }
        return body;
    }

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_400_names_the_field_and_stores_nothing_R8(string change, string field)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (_, _, code) = await OneCodeAsync(s);
        var response = await s.SubmitAsync(Spoil(Scenario.Submission(code), change));

        AssertProblem(response, 400, "validation-failed");
        Assert.True(response.Json.GetProperty("errors").TryGetProperty(field, out _), response.Body);
        await s.Storage.AssertNoSubmissionStoredAsync(s.SchoolId);
        // The code was not used up by the bad attempt.
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(code))).Status);
    }

    [Fact]
    public async Task Body_of_2_MB_is_413_payload_too_large_and_stores_nothing_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (_, _, code) = await OneCodeAsync(s);
        var body = Scenario.Submission(code);
        body["padding"] = new string('x', 2 * 1024 * 1024);

        AssertProblem(await s.SubmitAsync(body), 413, "payload-too-large");
        await s.Storage.AssertNoSubmissionStoredAsync(s.SchoolId);
    }

    [Fact]
    public async Task Replay_after_the_session_closed_is_403_code_invalid_and_stores_nothing_new_R7_R8()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben");
        var codes = await s.IssueCodesAsync(staff, [.. pupils.Values]);
        var accepted = await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]]));
        Assert.Equal(202, accepted.Status);
        foreach (var pupilId in pupils.Values) await s.Storage.SetCodeClosesAtAsync(s.SchoolId, pupilId, DateTimeOffset.UtcNow.AddSeconds(-1));

        var replay = await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]]));
        var unused = await s.SubmitAsync(Scenario.Submission(codes[pupils["Ben"]]));

        AssertProblem(replay, 403, "code-invalid");
        Assert.Equal(replay.Body, unused.Body);
        var blob = Assert.Single(await s.Storage.SubmissionBlobsAsync(s.SchoolId));
        Assert.EndsWith(accepted.Json.GetProperty("submissionId").GetString() + ".json", blob, StringComparison.Ordinal);
        Assert.Single(await s.Storage.ScoringMessagesAsync(s.SchoolId));
        Assert.Single(await s.Storage.SubmissionsAsync(s.SchoolId));
    }

    [Fact]
    public async Task Warm_accepted_submission_takes_a_small_fixed_number_of_storage_round_trips_R8()
    {
        var recorder = new StorageCallRecorder();
        await using var s = await Scenario.CreateAsync(azurite, configure: recorder.AddTo);
        var (staff, pupils) = await s.PractitionerWithRollAsync("Ada", "Ben", "Cal");
        var codes = await s.IssueCodesAsync(staff, [.. pupils.Values]);
        // Warm up: tables, container and queue exist, and the school profile is cached.
        recorder.Clear();
        Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(codes[pupils["Ada"]]))).Status);
        output.WriteLine($"first submission of this host: {recorder.Calls.Count} calls\n  " + string.Join("\n  ", recorder.Calls));

        var counts = new List<int>();
        foreach (var pupil in new[] { "Ben", "Cal" })
        {
            recorder.Clear();
            Assert.Equal(202, (await s.SubmitAsync(Scenario.Submission(codes[pupils[pupil]]))).Status);
            var calls = recorder.Calls;
            output.WriteLine($"warm submission: {calls.Count} calls\n  " + string.Join("\n  ", calls));
            Assert.True(calls.Count == 4, "storage calls:\n" + string.Join("\n", calls));
            Assert.Matches(@"^GET /devstoreaccount1/Codes\(PartitionKey='([0-9a-f]{32})',RowKey='\1'\)$", calls[0]); // the code's keyed hash
            // The claim: one merge of the submission into the pupil's entity under If-Match at the pupil's version
            // when the code was issued. The pupil is not read.
            Assert.Matches($@"^PATCH /devstoreaccount1/Schools\(PartitionKey='{s.SchoolId}',RowKey='pupil(%7C|\|){pupils[pupil]}'\)$", calls[1]);
            Assert.Matches(new Regex($"^PUT /devstoreaccount1/submissions/{s.SchoolId}/[^/]+\\.json$"), calls[2]); // raw blob, create-only
            Assert.Matches(@"^POST /devstoreaccount1/assessment-scoring/messages$", calls[3]);                   // scoring message
        }
    }
}
