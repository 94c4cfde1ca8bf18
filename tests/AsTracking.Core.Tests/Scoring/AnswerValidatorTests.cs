using System.Text.Json;
using AsTracking.Core.Errors;
using AsTracking.Core.Scoring;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>R8: each context is exactly 16 integers from 1 to 6; errors name the field, e.g. <c>outOfSchool[3]</c> (0-based).</summary>
public class AnswerValidatorTests
{
    private static readonly int[] Valid = Answers.WorkedOutOfSchool;

    private static ValidationFailedException Fails(IReadOnlyList<int>? outOfSchool, IReadOnlyList<int>? inSchool) =>
        Assert.Throws<ValidationFailedException>(() => AnswerValidator.Validate(outOfSchool, inSchool));

    [Fact]
    public void Sixteen_answers_from_1_to_6_in_each_context_are_valid_R8()
    {
        AnswerValidator.Validate(Valid, Answers.WorkedInSchool);
        AnswerValidator.Validate(Enumerable.Repeat(1, 16).ToArray(), Enumerable.Repeat(6, 16).ToArray());
    }

    [Theory]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(0)]
    public void Fifteen_or_seventeen_answers_are_rejected_R8(int count)
    {
        var error = Fails(Enumerable.Repeat(3, count).ToArray(), Valid);
        Assert.Equal(["outOfSchool"], error.Errors.Keys);
        Assert.Contains($"it has {count}", error.Errors["outOfSchool"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(-1)]
    public void An_answer_outside_1_to_6_is_rejected_with_its_index_R8(int value)
    {
        var answers = (int[])Valid.Clone();
        answers[3] = value;
        var error = Fails(Valid, answers);
        Assert.Equal(["inSchool[3]"], error.Errors.Keys);
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public void A_missing_context_is_rejected_and_both_contexts_are_reported_together_R8()
    {
        var bad = (int[])Valid.Clone();
        bad[15] = 7;
        var error = Fails(null, bad);
        Assert.Equal(["inSchool[15]", "outOfSchool"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Json_reader_rejects_strings_fractions_and_other_types_with_their_index_R8()
    {
        using var doc = JsonDocument.Parse("""
            {"outOfSchool": [2,5,3,"4",1,6,4,3,5,2,3,4,1,5,2.5,true], "inSchool": [3,4,4,3,3,4,4,3,4,3,3,4,3,4,4,3]}
            """);
        var error = Assert.Throws<ValidationFailedException>(() =>
            AnswerValidator.Read(doc.RootElement.GetProperty("outOfSchool"), doc.RootElement.GetProperty("inSchool")));
        Assert.Equal(["outOfSchool[14]", "outOfSchool[15]", "outOfSchool[3]"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"inSchool": [3,4,4,3,3,4,4,3,4,3,3,4,3,4,4,3]}""", "outOfSchool")]
    [InlineData("""{"outOfSchool": null, "inSchool": [3,4,4,3,3,4,4,3,4,3,3,4,3,4,4,3]}""", "outOfSchool")]
    [InlineData("""{"outOfSchool": "2,5,3", "inSchool": [3,4,4,3,3,4,4,3,4,3,3,4,3,4,4,3]}""", "outOfSchool")]
    [InlineData("""{"outOfSchool": [2,5,3,4,1,6,4,3,5,2,3,4,1,5,2,3], "inSchool": [3,4,4,3,3,4,4,3,4,3,3,4,3,4,4]}""", "inSchool")]
    [InlineData("""{"outOfSchool": [2,5,3,4,1,6,4,3,5,2,3,4,1,5,2,3], "inSchool": [3,4,4,3,3,4,4,3,4,3,3,4,3,4,4,0]}""", "inSchool[15]")]
    public void Json_reader_rejects_missing_non_array_and_wrong_count_contexts_R8(string json, string field)
    {
        using var doc = JsonDocument.Parse(json);
        JsonElement? Get(string name) => doc.RootElement.TryGetProperty(name, out var value) ? value : null;
        var error = Assert.Throws<ValidationFailedException>(() => AnswerValidator.Read(Get("outOfSchool"), Get("inSchool")));
        Assert.Equal([field], error.Errors.Keys);
    }

    [Fact]
    public void Json_reader_returns_the_answers_R8()
    {
        using var doc = JsonDocument.Parse("""{"outOfSchool": [2,5,3,4,1,6,4,3,5,2,3,4,1,5,2,3], "inSchool": [3,4,4,3,3,4,4,3,4,3,3,4,3,4,4,3]}""");
        var (outside, inside) = AnswerValidator.Read(doc.RootElement.GetProperty("outOfSchool"), doc.RootElement.GetProperty("inSchool"));
        Assert.Equal(Answers.WorkedOutOfSchool, outside);
        Assert.Equal(Answers.WorkedInSchool, inside);
    }

    [Fact]
    public void The_scorer_itself_refuses_bad_answers_with_the_same_field_names_R8()
    {
        var scorer = ScoringModel.Default.Compile();
        var bad = (int[])Valid.Clone();
        bad[3] = 7;
        Assert.Equal(["outOfSchool[3]"], Assert.Throws<ValidationFailedException>(() => scorer.Score(bad, Valid)).Errors.Keys);
        Assert.Equal(["inSchool"], Assert.Throws<ValidationFailedException>(() => scorer.Score(Valid, Valid[..15])).Errors.Keys);
        byte[] zero = new byte[16];
        var card = new ScoreCard();
        Assert.Equal(["outOfSchool[0]"], Assert.Throws<ValidationFailedException>(() => scorer.Score(zero, zero, [], ref card)).Errors.Keys);
    }
}
