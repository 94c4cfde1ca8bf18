using System.Text;
using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.Errors;
using AsTracking.Core.Tests.Scoring;

namespace AsTracking.Core.Tests.Assessments;

/// <summary>R8: POST /api/assessments is read and validated whole before anything is looked up or stored.</summary>
public class SubmissionParserTests
{
    private static Dictionary<string, object?> Valid() => new()
    {
        ["code"] = "ABCD-EFGH-JKLM",
        ["outOfSchool"] = Answers.WorkedOutOfSchool,
        ["inSchool"] = Answers.WorkedInSchool,
        ["startedAt"] = "2026-12-04T09:00:00Z",
        ["completedAt"] = "2026-12-04T09:12:00Z",
        ["accommodations"] = new[] { "reader", "extra-time" },
    };

    private static SubmissionInput Parse(object body) => SubmissionParser.Parse(JsonSerializer.SerializeToUtf8Bytes(body));

    private static ValidationFailedException Fails(object body) => Assert.Throws<ValidationFailedException>(() => Parse(body));

    [Fact]
    public void A_valid_submission_is_read_with_its_answers_times_and_accommodations_R8()
    {
        var input = Parse(Valid());
        Assert.Equal("ABCD-EFGH-JKLM", input.Code);
        Assert.Equal(Answers.WorkedOutOfSchool, input.OutOfSchool);
        Assert.Equal(Answers.WorkedInSchool, input.InSchool);
        Assert.Equal(TimeSpan.FromMinutes(12), input.CompletedAt - input.StartedAt);
        Assert.Equal(["reader", "extra-time"], input.Accommodations);
    }

    [Fact]
    public void Accommodations_are_optional_and_each_known_one_is_accepted_R8()
    {
        var body = Valid();
        body.Remove("accommodations");
        Assert.Empty(Parse(body).Accommodations);
        body["accommodations"] = new[] { "reader", "extra-time", "scribe", "translated", "reader" };
        Assert.Equal(["reader", "extra-time", "scribe", "translated"], Parse(body).Accommodations);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_by_field_R8()
    {
        var error = Fails(new Dictionary<string, object?>
        {
            ["outOfSchool"] = new object[] { 1, 2 },
            ["inSchool"] = "six",
            ["startedAt"] = "2026-12-04T09:00:00Z",
            ["completedAt"] = "2026-12-04T08:00:00Z",
            ["accommodations"] = new[] { "calculator" },
        });
        Assert.Equal(["accommodations[0]", "code", "completedAt", "inSchool", "outOfSchool"], error.Errors.Keys.Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    public void A_body_that_is_not_a_JSON_object_is_rejected_R8(string body)
    {
        var error = Assert.Throws<ValidationFailedException>(() => SubmissionParser.Parse(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(["body"], error.Errors.Keys);
    }

    [Fact]
    public void Payload_hash_ignores_formatting_code_spelling_and_accommodation_order_R8()
    {
        var a = Valid();
        var b = Valid();
        b["code"] = "abcdefghjklm";
        b["startedAt"] = "2026-12-04T10:00:00+01:00";
        b["accommodations"] = new[] { "extra-time", "reader" };
        var pretty = JsonSerializer.SerializeToUtf8Bytes(b.Reverse().ToDictionary(), new JsonSerializerOptions { WriteIndented = true });
        Assert.Equal(Parse(a).PayloadHash(), SubmissionParser.Parse(pretty).PayloadHash());
    }

    [Theory]
    [InlineData("outOfSchool")]
    [InlineData("inSchool")]
    [InlineData("startedAt")]
    [InlineData("completedAt")]
    [InlineData("accommodations")]
    public void Payload_hash_changes_with_any_answer_time_or_accommodation_R8(string field)
    {
        var changed = Valid();
        changed[field] = field switch
        {
            "outOfSchool" => Answers.WorkedInSchool,
            "inSchool" => Answers.WorkedOutOfSchool,
            "startedAt" => "2026-12-04T09:00:01Z",
            "completedAt" => "2026-12-04T09:12:01Z",
            _ => new[] { "reader" },
        };
        Assert.NotEqual(Parse(Valid()).PayloadHash(), Parse(changed).PayloadHash());
    }
}
