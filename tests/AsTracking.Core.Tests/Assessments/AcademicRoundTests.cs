using AsTracking.Core.Assessments;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;

namespace AsTracking.Core.Tests.Assessments;

/// <summary>A round is an academic year ("2026/27", consecutive years) and a number 1-3 (glossary, R7).</summary>
public class AcademicRoundTests
{
    [Theory]
    [InlineData("2026/27", 1)]
    [InlineData("2026/27", 3)]
    [InlineData("2099/00", 2)]
    public void Consecutive_years_and_rounds_1_to_3_are_valid_and_keyed_for_storage_R7(string year, int round)
    {
        var v = new Validation();
        var parsed = AcademicRound.Validate(year, round, v);
        v.ThrowIfInvalid();
        Assert.Equal(new AcademicRound(year, round), parsed);
        Assert.DoesNotContain('/', parsed!.Value.Key);
        Assert.Equal(parsed.Value, AcademicRound.FromKey(parsed.Value.Key));
    }

    [Theory]
    [InlineData("2026/27", 0, "round")]
    [InlineData("2026/27", 4, "round")]
    [InlineData("2026/27", null, "round")]
    [InlineData("2026/28", 1, "academicYear")]
    [InlineData("2026-27", 1, "academicYear")]
    [InlineData("26/27", 1, "academicYear")]
    [InlineData("2026/2027", 1, "academicYear")]
    [InlineData("1999/00", 1, "academicYear")]
    [InlineData(" 2026/27", 1, "academicYear")]
    [InlineData(null, 1, "academicYear")]
    public void Round_outside_1_to_3_or_malformed_year_is_invalid_R7(string? year, int? round, string field)
    {
        var v = new Validation();
        Assert.Null(AcademicRound.Validate(year, round, v));
        var error = Assert.Throws<ValidationFailedException>(v.ThrowIfInvalid);
        Assert.Equal([field], error.Errors.Keys);
    }

    [Theory]
    [InlineData("2026-09-01", "2026/27")]
    [InlineData("2027-08-31", "2026/27")]
    [InlineData("2027-01-15", "2026/27")]
    [InlineData("2099-09-01", "2099/00")]
    public void The_academic_year_runs_from_1_September_to_31_August(string day, string year) =>
        Assert.Equal(year, AcademicRound.YearOf(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_key_parses_back_to_its_round()
    {
        var round = new AcademicRound("2026/27", 3);
        Assert.True(AcademicRound.TryFromKey(round.Key, out var parsed));
        Assert.Equal(round, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-27")]
    [InlineData("2026-27-0")]
    [InlineData("2026-27-4")]
    [InlineData("2026-28-1")]
    [InlineData("2026-27-1-1")]
    [InlineData("2026-27-12")]
    public void Anything_but_a_valid_key_does_not_parse(string? key) => Assert.False(AcademicRound.TryFromKey(key, out _));
}
