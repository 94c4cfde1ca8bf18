using AsTracking.Core.Scoring;
using static AsTracking.Core.Scoring.AssessmentContext;
using static AsTracking.Core.Scoring.Factor;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>Each R11 flag in isolation, at and either side of its threshold, and priority from summed severity.</summary>
public class FlagTests
{
    private static readonly CompiledScorer Scorer = ScoringModel.Default.Compile();

    private static ScoringResult Score(int[] outOfSchool, int[] inSchool, params PolarHistory[] previousRounds) =>
        Scorer.Score(outOfSchool, inSchool, previousRounds);

    [Fact]
    public void Neutral_answers_raise_no_flag_and_priority_none_R11()
    {
        var result = Score(Answers.Neutral, Answers.Neutral, PolarHistory.None, PolarHistory.None);
        Assert.Empty(result.Flags);
        Assert.Equal(0, result.SummedSeverity);
        Assert.Equal(PriorityLevel.None, result.Priority);
        Assert.Equal(PolarHistory.None, result.Polar);
    }

    // ---- polar-bias ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(8, PolarDirection.Low)]
    [InlineData(20, PolarDirection.High)]
    public void Polar_bias_alone_has_severity_1_and_priority_monitor_R11(int keyedSum, PolarDirection direction)
    {
        // trustOfOthers polar in outOfSchool only; inSchool one step inside the nearest non-polar band, so no divergence.
        var outside = Answers.WithKeyedSums(14, 14, keyedSum, 14);
        var inside = Answers.WithKeyedSums(14, 14, keyedSum == 8 ? 9 : 19, 14);
        var result = Score(outside, inside);
        var flag = Assert.Single(result.Flags);
        Assert.Equal(new Flag(FlagType.PolarBias, TrustOfOthers, OutOfSchool, direction, 1), flag);
        Assert.Equal(1, result.SummedSeverity);
        Assert.Equal(PriorityLevel.Monitor, result.Priority);
        Assert.Equal(direction, result.Polar[OutOfSchool, TrustOfOthers]);
        Assert.Equal(PolarDirection.None, result.Polar[InSchool, TrustOfOthers]);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(19)]
    public void Just_inside_low_or_high_is_not_polar_R11(int keyedSum)
    {
        var answers = Answers.WithKeyedSums(keyedSum, 14, 14, 14);
        Assert.Empty(Score(answers, answers).Flags);
    }

    // ---- over-regulation ---------------------------------------------------------------------------------------

    public static TheoryData<string, int[], bool> OverRegulationCases => new()
    {
        { "mean 3.5, SD 0.5 exactly (eight 3s, eight 4s)", [3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4], true },
        { "mean 3.0 exactly, SD 0 (all 3s)", Enumerable.Repeat(3, 16).ToArray(), true },
        { "mean 4.0 exactly, SD 0 (all 4s)", Enumerable.Repeat(4, 16).ToArray(), true },
        { "mean 4.0, SD √2/8 ≈ 0.354 (fourteen 4s, a 3, a 5)", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 5], true },
        { "mean 3.4375, SD ≈ 0.496 (nine 3s, seven 4s: 16Σx² − (Σx)² = 63)", [3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4], true },
        { "mean 2.9375 just below 3.0 (fifteen 3s, a 2)", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2], false },
        { "mean 4.0625 just above 4.0 (fifteen 4s, a 5)", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5], false },
        { "mean 3.625, SD ≈ 0.599 just above 0.5 (seven 3s, eight 4s, a 5: 16Σx² − (Σx)² = 92)", [3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5], false },
        { "mean 3.5, SD 2.5 (alternating 1 and 6)", [1, 6, 1, 6, 1, 6, 1, 6, 1, 6, 1, 6, 1, 6, 1, 6], false },
    };

    [Theory]
    [MemberData(nameof(OverRegulationCases))]
    public void Over_regulation_needs_mean_3_to_4_inclusive_and_sd_at_most_0_5_R11(string because, int[] inSchool, bool flagged)
    {
        Assert.Equal(flagged, Reference.OverRegulated(inSchool));
        var result = Score(Answers.Neutral, inSchool);
        var overRegulation = result.Flags.Where(f => f.Type == FlagType.OverRegulation).ToList();
        if (flagged)
        {
            Assert.True(overRegulation.Count == 1, because);
            Assert.Equal(new Flag(FlagType.OverRegulation, null, InSchool, PolarDirection.None, 2), overRegulation[0]);
        }
        else Assert.True(overRegulation.Count == 0, because);
    }

    [Fact]
    public void Over_regulation_alone_has_severity_2_and_priority_monitor_R11()
    {
        var result = Score(Answers.Neutral, Answers.WorkedInSchool);
        var flag = Assert.Single(result.Flags);
        Assert.Equal(FlagType.OverRegulation, flag.Type);
        Assert.Equal(2, result.SummedSeverity);
        Assert.Equal(PriorityLevel.Monitor, result.Priority);
    }

    [Fact]
    public void Over_regulation_is_per_context_and_reads_raw_not_keyed_answers_R11()
    {
        // All 3s: keyed items 9-12 become 4s, yet the raw answers are what count.
        var threes = Enumerable.Repeat(3, 16).ToArray();
        var result = Score(threes, threes);
        Assert.Equal(
            [new Flag(FlagType.OverRegulation, null, OutOfSchool, PolarDirection.None, 2), new Flag(FlagType.OverRegulation, null, InSchool, PolarDirection.None, 2)],
            result.Flags);
        Assert.Equal(4, result.SummedSeverity);
        Assert.Equal(PriorityLevel.Priority, result.Priority);
    }

    // ---- context-divergence ----------------------------------------------------------------------------------

    [Theory]
    [InlineData(9, 17, true)] // 3.75 vs 9.75: |Δ| = 6.0 exactly
    [InlineData(17, 9, true)] // either way round
    [InlineData(9, 16, false)] // 3.75 vs 9.0: 5.25
    [InlineData(10, 17, false)] // 4.5 vs 9.75: 5.25
    [InlineData(9, 19, true)] // 3.75 vs 11.25: 7.5
    public void Context_divergence_needs_a_difference_of_at_least_6_R11(int outSum, int inSum, bool flagged)
    {
        var result = Score(Answers.WithKeyedSums(14, 14, 14, outSum), Answers.WithKeyedSums(14, 14, 14, inSum));
        if (flagged)
        {
            Assert.Equal(new Flag(FlagType.ContextDivergence, SeekingChange, null, PolarDirection.None, 1), Assert.Single(result.Flags));
            Assert.Equal(PriorityLevel.Monitor, result.Priority);
        }
        else Assert.Empty(result.Flags);
    }

    // ---- multiple-polar ----------------------------------------------------------------------------------------

    [Fact]
    public void Three_polar_bias_flags_across_contexts_add_multiple_polar_R11()
    {
        // selfDisclosure polar-low in both contexts; trustOfSelf polar-low (3.0) outOfSchool and low (3.75) inSchool.
        var result = Score(Answers.WithKeyedSums(4, 8, 14, 14), Answers.WithKeyedSums(4, 9, 14, 14));
        Assert.Equal(
            [
                new Flag(FlagType.PolarBias, SelfDisclosure, OutOfSchool, PolarDirection.Low, 1),
                new Flag(FlagType.PolarBias, TrustOfSelf, OutOfSchool, PolarDirection.Low, 1),
                new Flag(FlagType.PolarBias, SelfDisclosure, InSchool, PolarDirection.Low, 1),
                new Flag(FlagType.MultiplePolar, null, null, PolarDirection.None, 2),
            ],
            result.Flags);
        Assert.Equal(5, result.SummedSeverity);
        Assert.Equal(PriorityLevel.Priority, result.Priority);
    }

    [Fact]
    public void Two_polar_bias_flags_are_not_multiple_polar_R11()
    {
        var result = Score(Answers.WithKeyedSums(4, 14, 14, 14), Answers.WithKeyedSums(4, 14, 14, 14));
        Assert.Equal(2, result.Flags.Count);
        Assert.All(result.Flags, f => Assert.Equal(FlagType.PolarBias, f.Type));
        Assert.Equal(PriorityLevel.Monitor, result.Priority);
    }

    // ---- priority ----------------------------------------------------------------------------------------------

    [Fact]
    public void Summed_severity_2_is_monitor_and_3_is_priority_R11()
    {
        // Two polar-bias (2) → monitor; add a divergence (3) → priority.
        var two = Score(Answers.WithKeyedSums(4, 14, 14, 14), Answers.WithKeyedSums(4, 14, 14, 14));
        Assert.Equal((2, PriorityLevel.Monitor), (two.SummedSeverity, two.Priority));
        var three = Score(Answers.WithKeyedSums(4, 14, 14, 9), Answers.WithKeyedSums(4, 14, 14, 17));
        Assert.Equal((3, PriorityLevel.Priority), (three.SummedSeverity, three.Priority));
    }

    // ---- new-polar -------------------------------------------------------------------------------------------

    private static readonly int[] PolarLowSelfDisclosure = Answers.WithKeyedSums(4, 14, 14, 14);
    private static readonly int[] LowSelfDisclosure = Answers.WithKeyedSums(9, 14, 14, 14);

    private static List<Flag> Trend(ScoringResult result) => result.Flags.Where(f => f.Type is FlagType.NewPolar or FlagType.Persistent).ToList();

    [Fact]
    public void New_polar_is_not_raised_in_a_first_round_R11()
    {
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure)));
    }

    [Fact]
    public void New_polar_when_not_polar_in_the_previous_scored_round_R11()
    {
        var result = Score(PolarLowSelfDisclosure, LowSelfDisclosure, PolarHistory.None);
        Assert.Equal([new Flag(FlagType.NewPolar, SelfDisclosure, OutOfSchool, PolarDirection.Low, 1)], Trend(result));
        Assert.Equal(2, result.SummedSeverity); // polar-bias 1 + new-polar 1
        Assert.Equal(PriorityLevel.Monitor, result.Priority);
    }

    [Fact]
    public void New_polar_looks_only_at_the_same_context_and_factor_R11()
    {
        // Polar elsewhere last round (inSchool selfDisclosure, outOfSchool trustOfSelf) does not matter.
        var previous = Answers.History((InSchool, SelfDisclosure, PolarDirection.Low), (OutOfSchool, TrustOfSelf, PolarDirection.Low));
        Assert.Single(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, previous)), f => f.Type == FlagType.NewPolar);
    }

    [Fact]
    public void New_polar_looks_only_at_the_newest_previous_round_R11()
    {
        var polar = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.Low));
        Assert.Single(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, PolarHistory.None, polar)), f => f.Type == FlagType.NewPolar);
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, polar, PolarHistory.None)));
    }

    [Fact]
    public void Polar_in_the_other_direction_last_round_is_neither_new_nor_persistent_R11()
    {
        // R11: new-polar needs "not polar" in the previous round, persistent needs "the same polar-bias".
        var high = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.High));
        var low = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.Low));
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, high, low)));
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, high, high)));
    }

    // ---- persistent --------------------------------------------------------------------------------------------

    [Fact]
    public void Persistent_when_the_same_polar_bias_held_in_the_two_previous_scored_rounds_R11()
    {
        var low = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.Low));
        var result = Score(PolarLowSelfDisclosure, LowSelfDisclosure, low, low);
        Assert.Equal([new Flag(FlagType.Persistent, SelfDisclosure, OutOfSchool, PolarDirection.Low, 2)], Trend(result));
        Assert.Equal(3, result.SummedSeverity); // polar-bias 1 + persistent 2
        Assert.Equal(PriorityLevel.Priority, result.Priority);
    }

    [Fact]
    public void Persistent_needs_two_previous_rounds_R11()
    {
        var low = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.Low));
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, low)));
    }

    [Fact]
    public void Persistent_needs_both_previous_rounds_polar_in_the_same_direction_R11()
    {
        var low = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.Low));
        var high = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.High));
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, low, PolarHistory.None)));
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, low, high)));
        // A gap two rounds back: not persistent, and not new either (polar last round).
        Assert.Empty(Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, low, PolarHistory.None, low)));
        // Polar last round only in the other context: new-polar here, not persistent.
        var otherContext = Answers.History((InSchool, SelfDisclosure, PolarDirection.Low));
        Assert.Equal([FlagType.NewPolar], Trend(Score(PolarLowSelfDisclosure, LowSelfDisclosure, otherContext, otherContext)).Select(f => f.Type));
    }

    [Fact]
    public void Persistent_ignores_rounds_older_than_the_two_previous_R11()
    {
        var low = Answers.History((OutOfSchool, SelfDisclosure, PolarDirection.Low));
        var expected = Score(PolarLowSelfDisclosure, LowSelfDisclosure, low, low);
        Assert.Equal(expected, Score(PolarLowSelfDisclosure, LowSelfDisclosure, low, low, PolarHistory.None));
        Assert.Equal(expected, Score(PolarLowSelfDisclosure, LowSelfDisclosure, low, low, low, Answers.History((InSchool, SeekingChange, PolarDirection.High))));
    }

    [Fact]
    public void Trend_flags_follow_a_pupil_across_rounds_using_each_results_polar_history_R11()
    {
        // Round 1: polar, first round → polar-bias only. Round 2: still polar → no trend flag. Round 3: persistent.
        // Round 4: not polar → nothing. Round 5: polar again → new-polar.
        var history = new List<PolarHistory>();
        var flags = new List<FlagType[]>();
        foreach (var outside in new[] { PolarLowSelfDisclosure, PolarLowSelfDisclosure, PolarLowSelfDisclosure, LowSelfDisclosure, PolarLowSelfDisclosure })
        {
            var result = Score(outside, LowSelfDisclosure, [.. Enumerable.Reverse(history)]);
            flags.Add([.. result.Flags.Select(f => f.Type)]);
            history.Add(result.Polar);
        }
        Assert.Equal([FlagType.PolarBias], flags[0]);
        Assert.Equal([FlagType.PolarBias], flags[1]);
        Assert.Equal([FlagType.PolarBias, FlagType.Persistent], flags[2]);
        Assert.Empty(flags[3]);
        Assert.Equal([FlagType.PolarBias, FlagType.NewPolar], flags[4]);
    }
}
