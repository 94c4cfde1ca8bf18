using AsTracking.Core.Scoring;
using static AsTracking.Core.Scoring.AssessmentContext;
using static AsTracking.Core.Scoring.Factor;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>Every band edge of R11 (3.0, 6.0, 9.0, 12.0), exactly on it and one step (0.75) either side.</summary>
public class BandEdgeTests
{
    private static readonly CompiledScorer Scorer = ScoringModel.Default.Compile();

    [Theory]
    [InlineData(4, 0.0, Band.PolarLow)]
    [InlineData(7, 2.25, Band.PolarLow)]
    [InlineData(8, 3.0, Band.PolarLow)] // ≤ 3.0
    [InlineData(9, 3.75, Band.Low)]
    [InlineData(11, 5.25, Band.Low)]
    [InlineData(12, 6.0, Band.Balanced)] // low is < 6.0
    [InlineData(13, 6.75, Band.Balanced)]
    [InlineData(15, 8.25, Band.Balanced)]
    [InlineData(16, 9.0, Band.Balanced)] // ≤ 9.0
    [InlineData(17, 9.75, Band.High)]
    [InlineData(19, 11.25, Band.High)]
    [InlineData(20, 12.0, Band.PolarHigh)] // high is < 12.0
    [InlineData(21, 12.75, Band.PolarHigh)]
    [InlineData(24, 15.0, Band.PolarHigh)]
    public void Band_edges_are_exact_R11(int keyedSum, double score, Band band)
    {
        foreach (var factor in ScoringNames.Factors)
        {
            int[] sums = [14, 14, 14, 14];
            sums[(int)factor] = keyedSum;
            var answers = Answers.WithKeyedSums(sums[0], sums[1], sums[2], sums[3]);
            var card = new ScoreCard();
            Scorer.Score(answers, answers, [], ref card);
            foreach (var context in ScoringNames.Contexts)
            {
                Assert.Equal(keyedSum, card.KeyedSum(context, factor));
                Assert.Equal(score, card.Score(context, factor));
                Assert.Equal(band, card.Band(context, factor));
            }
        }
    }

    [Fact]
    public void Polar_bands_are_polar_low_and_polar_high_only_R11()
    {
        var model = ScoringModel.Default;
        Assert.Equal([PolarDirection.Low, PolarDirection.None, PolarDirection.None, PolarDirection.None, PolarDirection.High], model.Bands.Select(b => b.Polar));
    }

    [Fact]
    public void Reverse_keyed_items_9_to_12_count_as_7_minus_the_answer_R11()
    {
        // Only item 9 (selfDisclosure, reverse-keyed) moves: from 1 to 6, its keyed value falls from 6 to 1.
        var low = (int[])Answers.Neutral.Clone();
        var high = (int[])Answers.Neutral.Clone();
        low[8] = 1;
        high[8] = 6;
        var a = Scorer.Score(low, low);
        var b = Scorer.Score(high, high);
        Assert.Equal(a.OutOfSchool.SelfDisclosure.KeyedSum - 5, b.OutOfSchool.SelfDisclosure.KeyedSum);
        Assert.Equal(a.OutOfSchool.TrustOfSelf, b.OutOfSchool.TrustOfSelf);
    }
}
