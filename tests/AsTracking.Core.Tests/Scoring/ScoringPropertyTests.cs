using AsTracking.Core.Scoring;
using CsCheck;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>Properties of default-v1 (R11) over random answers and histories.</summary>
public class ScoringPropertyTests
{
    private static readonly CompiledScorer Scorer = ScoringModel.Default.Compile();

    private static readonly Gen<int[]> GenAnswers = Gen.Int[1, 6].Array[16];

    /// <summary>Answers near the over-regulation region too (mostly 3s and 4s), which uniform answers rarely reach.</summary>
    private static readonly Gen<int[]> GenCalmAnswers = Gen.Frequency((4, Gen.Int[3, 4]), (1, Gen.Int[2, 5])).Array[16];

    private static readonly Gen<int[]> GenAnyAnswers = Gen.Frequency((3, GenAnswers), (1, GenCalmAnswers));

    private static readonly Gen<PolarHistory> GenHistory = Gen.Int[0, 2].Array[8].Select(cells =>
    {
        var history = PolarHistory.None;
        for (int cell = 0; cell < 8; cell++)
        {
            history = history.With((AssessmentContext)(cell / 4), (Factor)(cell % 4), (PolarDirection)cells[cell]);
        }
        return history;
    });

    private static readonly Gen<PolarHistory[]> GenHistories = GenHistory.Array[0, 4];

    [Fact]
    public void Scores_stay_in_0_to_15_in_steps_of_0_75_R11()
    {
        Gen.Select(GenAnyAnswers, GenAnyAnswers).Sample((outside, inside) =>
        {
            var card = new ScoreCard();
            Scorer.Score(outside, inside, [], ref card);
            foreach (var c in ScoringNames.Contexts)
            {
                foreach (var f in ScoringNames.Factors)
                {
                    double score = card.Score(c, f);
                    double steps = score / 0.75;
                    Assert.InRange(score, 0.0, 15.0);
                    Assert.Equal(Math.Round(steps), steps);
                    Assert.Equal((card.KeyedSum(c, f) - 4) * 0.75, score);
                }
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Scorer_agrees_with_the_reference_reading_of_R11_on_answers_and_history()
    {
        Gen.Select(GenAnyAnswers, GenAnyAnswers, GenHistories).Sample((outside, inside, history) =>
        {
            var expected = Reference.Score(outside, inside, history);
            var card = new ScoreCard();
            Scorer.Score(outside, inside, history, ref card);
            foreach (var c in ScoringNames.Contexts)
            {
                foreach (var f in ScoringNames.Factors)
                {
                    Assert.Equal((double)expected.Scores[(int)c, (int)f], card.Score(c, f));
                    Assert.Equal(expected.Bands[(int)c, (int)f], card.Band(c, f));
                }
            }
            Assert.Equal(expected.Flags, card.Flags.ToArray());
            Assert.Equal(expected.Severity, card.SummedSeverity);
            Assert.Equal(expected.Priority, card.Priority);
        }, iter: 20_000);
    }

    /// <summary>
    /// Flipping every answer x → 7 − x turns each keyed value v into 7 − v (on a reverse-keyed item, 7 − (7 − x) = x
    /// is 7 minus its old keyed value 7 − x), so each factor's keyed sum k becomes 28 − k and its score
    /// s = (k − 4)·0.75 becomes 15 − s. The bands mirror (band b ↔ 4 − b: polar-low ↔ polar-high, low ↔ high,
    /// balanced stays), because the edges mirror: s ≤ 3 ⇔ 15 − s ≥ 12 and s &lt; 6 ⇔ 15 − s &gt; 9. The raw mean
    /// m becomes 7 − m and the SD is unchanged, so over-regulation ([3, 4] is symmetric about 3.5) is unchanged;
    /// |Δs| is unchanged, so divergence is too. Given the mirrored history, every flag is the same with its direction
    /// swapped, and severity and priority are equal.
    /// </summary>
    [Fact]
    public void Flipping_every_answer_mirrors_scores_around_7_5_and_swaps_polar_low_and_high_R11()
    {
        Gen.Select(GenAnyAnswers, GenAnyAnswers, GenHistories).Sample((outside, inside, history) =>
        {
            var original = Scorer.Score(outside, inside, history);
            var flipped = Scorer.Score(Answers.Flip(outside), Answers.Flip(inside), history.Select(Answers.Mirror).ToArray());
            foreach (var c in ScoringNames.Contexts)
            {
                foreach (var f in ScoringNames.Factors)
                {
                    Assert.Equal(15.0 - original[c][f].Score, flipped[c][f].Score);
                    Assert.Equal(28 - original[c][f].KeyedSum, flipped[c][f].KeyedSum);
                    Assert.Equal((Band)(4 - (int)original[c][f].Band), flipped[c][f].Band);
                }
                Assert.Equal(7.0 - original[c].Mean, flipped[c].Mean, 12);
                Assert.Equal(original[c].StandardDeviation, flipped[c].StandardDeviation, 12);
            }
            Assert.Equal(original.Flags.Select(x => x with { Direction = Answers.MirrorDirection(x.Direction) }), flipped.Flags);
            Assert.Equal(original.SummedSeverity, flipped.SummedSeverity);
            Assert.Equal(original.Priority, flipped.Priority);
            Assert.Equal(Answers.Mirror(original.Polar), flipped.Polar);
        }, iter: 10_000);
    }

    /// <summary>
    /// Keying of a single item: raising a forward-keyed item's answer by one raises its factor's score by exactly
    /// 0.75; raising a reverse-keyed item's (9-12) lowers it by exactly 0.75. Answering a on a reverse-keyed item counts
    /// the same as answering 7 − a on a forward-keyed item of the same factor. No other factor moves.
    /// </summary>
    [Fact]
    public void One_step_on_one_item_moves_only_its_factor_by_0_75_with_reverse_keying_on_items_9_to_12_R11()
    {
        Gen.Select(GenAnswers, Gen.Int[0, 15]).Where((answers, item) => answers[item] < 6).Sample((answers, item) =>
        {
            var raised = (int[])answers.Clone();
            raised[item]++;
            var before = Scorer.Score(answers, answers);
            var after = Scorer.Score(raised, raised);
            var factor = (Factor)(item % 4);
            double expected = item is >= 8 and <= 11 ? -0.75 : 0.75;
            foreach (var f in ScoringNames.Factors)
            {
                Assert.Equal(f == factor ? expected : 0.0, after.OutOfSchool[f].Score - before.OutOfSchool[f].Score);
            }

            // a on a reverse-keyed item ≡ 7 − a on a forward item of that factor: swap the two answers' roles.
            int reverseItem = 8 + item % 4, forwardItem = item % 4;
            var swapped = (int[])answers.Clone();
            swapped[reverseItem] = 7 - answers[forwardItem];
            swapped[forwardItem] = 7 - answers[reverseItem];
            Assert.Equal(before.OutOfSchool[factor].Score, Scorer.Score(swapped, swapped).OutOfSchool[factor].Score);
        }, iter: 10_000);
    }

    /// <summary>
    /// Flags are a pure function of (answers, history): scoring the same inputs again, on a card that last held
    /// another pupil, after scoring unrelated pupils, or on another thread, gives the same result; and history
    /// older than the rounds R11 consults (the two previous) changes nothing.
    /// </summary>
    [Fact]
    public void Flags_are_a_pure_function_of_answers_and_history_R11()
    {
        Gen.Select(GenAnyAnswers, GenAnyAnswers, GenHistories, Gen.Select(GenAnyAnswers, GenAnyAnswers, GenHistories), GenHistories)
            .Sample((outside, inside, history, other, olderRounds) =>
            {
                var fresh = Scorer.Score(outside, inside, history);

                var card = new ScoreCard();
                Scorer.Score(other.Item1, other.Item2, other.Item3, ref card);
                Scorer.Score(outside, inside, history, ref card);
                Assert.Equal(fresh, Scorer.ToResult(in card));

                var viaBytes = new ScoreCard();
                Scorer.Score(outside.Select(x => (byte)x).ToArray(), inside.Select(x => (byte)x).ToArray(), history, ref viaBytes);
                Assert.Equal(fresh, Scorer.ToResult(in viaBytes));

                var onAnotherThread = Task.Run(() => Scorer.Score(outside, inside, history)).Result;
                Assert.Equal(fresh, onAnotherThread);

                if (history.Length >= 2)
                {
                    PolarHistory[] longer = [.. history.Take(2), .. olderRounds];
                    Assert.Equal(fresh, Scorer.Score(outside, inside, [.. history.Take(2)]));
                    Assert.Equal(fresh, Scorer.Score(outside, inside, longer));
                }
            }, iter: 2_000);
    }

    [Fact]
    public void Polar_history_round_trips_through_bits_and_text()
    {
        GenHistory.Sample(history =>
        {
            Assert.Equal(history, PolarHistory.FromBits(history.Bits));
            Assert.Equal(history, PolarHistory.Parse(history.ToString()));
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => PolarHistory.FromBits(0b11));
        Assert.Throws<FormatException>(() => PolarHistory.Parse("LH--"));
        Assert.Throws<FormatException>(() => PolarHistory.Parse("LX--/----"));
    }
}
