using AsTracking.Core.Scoring;
using static AsTracking.Core.Scoring.AssessmentContext;
using static AsTracking.Core.Scoring.Factor;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>The worked example under R11 in domain.md, exactly.</summary>
public class WorkedExampleTests
{
    private static readonly CompiledScorer Scorer = ScoringModel.Default.Compile();

    private static ScoreCard Card()
    {
        var card = new ScoreCard();
        Scorer.Score(Answers.WorkedOutOfSchool, Answers.WorkedInSchool, [], ref card);
        return card;
    }

    [Theory]
    [InlineData(OutOfSchool, SelfDisclosure, 1.5, Band.PolarLow)]
    [InlineData(OutOfSchool, TrustOfSelf, 12.75, Band.PolarHigh)]
    [InlineData(OutOfSchool, TrustOfOthers, 6.75, Band.Balanced)]
    [InlineData(OutOfSchool, SeekingChange, 6.75, Band.Balanced)]
    [InlineData(InSchool, SelfDisclosure, 6.0, Band.Balanced)]
    [InlineData(InSchool, TrustOfSelf, 9.0, Band.Balanced)]
    [InlineData(InSchool, TrustOfOthers, 9.0, Band.Balanced)]
    [InlineData(InSchool, SeekingChange, 6.0, Band.Balanced)]
    public void Worked_example_scores_and_bands_match_domain_R11(AssessmentContext context, Factor factor, double score, Band band)
    {
        var card = Card();
        Assert.Equal(score, card.Score(context, factor));
        Assert.Equal(band, card.Band(context, factor));
    }

    [Fact]
    public void Worked_example_flags_are_two_polar_bias_and_over_regulation_inSchool_R11()
    {
        var card = Card();
        Flag[] expected =
        [
            new(FlagType.PolarBias, SelfDisclosure, OutOfSchool, PolarDirection.Low, 1),
            new(FlagType.PolarBias, TrustOfSelf, OutOfSchool, PolarDirection.High, 1),
            new(FlagType.OverRegulation, null, InSchool, PolarDirection.None, 2),
        ];
        Assert.Equal(expected, card.Flags.ToArray());
    }

    [Fact]
    public void Worked_example_inSchool_has_mean_3_5_and_population_sd_0_5_R11()
    {
        var card = Card();
        Assert.Equal(3.5, card.Mean(InSchool));
        Assert.Equal(0.5, card.StandardDeviation(InSchool));
        // The exact test the scorer makes: 16Σx² − (Σx)² ≤ 64 ⇔ SD ≤ 0.5; here it is exactly 64.
        Assert.Equal(56, card.RawSum(InSchool));
        Assert.Equal(64, 16 * card.RawSumOfSquares(InSchool) - 56 * 56);
    }

    [Fact]
    public void Worked_example_summed_severity_4_gives_priority_R11()
    {
        var card = Card();
        Assert.Equal(4, card.SummedSeverity);
        Assert.Equal(PriorityLevel.Priority, card.Priority);
    }

    [Fact]
    public void Worked_example_result_records_the_model_version_and_polar_history_R10()
    {
        var result = Scorer.Score(Answers.WorkedOutOfSchool, Answers.WorkedInSchool);
        Assert.Equal("default-v1", result.ModelId);
        Assert.Equal(1, result.ModelVersion);
        Assert.Equal(1.5, result.OutOfSchool.SelfDisclosure.Score);
        Assert.Equal(Band.PolarHigh, result.OutOfSchool[TrustOfSelf].Band);
        Assert.Equal(9.0, result[InSchool].TrustOfOthers.Score);
        Assert.Equal(3.5, result.InSchool.Mean);
        Assert.Equal(0.5, result.InSchool.StandardDeviation);
        Assert.Equal(3, result.Flags.Count);
        Assert.Equal(4, result.SummedSeverity);
        Assert.Equal(PriorityLevel.Priority, result.Priority);
        Assert.Equal("LH--/----", result.Polar.ToString());
        Assert.Equal(PolarDirection.Low, result.Polar[OutOfSchool, SelfDisclosure]);
        Assert.Equal(PolarDirection.High, result.Polar[OutOfSchool, TrustOfSelf]);
        Assert.Equal(2, result.Polar.PolarCount);
    }

    [Fact]
    public void Worked_example_agrees_with_the_reference_reading_of_R11()
    {
        var reference = Reference.Score(Answers.WorkedOutOfSchool, Answers.WorkedInSchool, []);
        var card = Card();
        Assert.Equal(reference.Flags, card.Flags.ToArray());
        Assert.Equal(reference.Severity, card.SummedSeverity);
    }

    [Fact]
    public void Contract_names_of_the_worked_example_flags_R11()
    {
        var card = Card();
        Assert.Equal(["polar-bias", "polar-bias", "over-regulation"], card.Flags.ToArray().Select(f => f.Type.ToName()));
        Assert.Equal("outOfSchool", card.Flags[0].Context!.Value.ToName());
        Assert.Equal("selfDisclosure", card.Flags[0].Factor!.Value.ToName());
        Assert.Equal("low", card.Flags[0].Direction.ToName());
        Assert.Equal("polar-high", card.Band(OutOfSchool, TrustOfSelf).ToName());
        Assert.Equal("priority", card.Priority.ToName());
    }
}
