using AsTracking.Core.Scoring;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>Architecture "Performance budget": scoring allocates nothing per call; the model is compiled once.</summary>
public class ScorerAllocationTests
{
    [Fact]
    public void Scoring_allocates_zero_bytes_per_call()
    {
        var scorer = ScoringModel.Default.Compile();
        int[] outside = Answers.WorkedOutOfSchool, inside = Answers.WorkedInSchool;
        byte[] outsideBytes = [.. outside.Select(x => (byte)x)], insideBytes = [.. inside.Select(x => (byte)x)];
        var low = Answers.History((AssessmentContext.OutOfSchool, Factor.SelfDisclosure, PolarDirection.Low));
        PolarHistory[] history = [low, low, PolarHistory.None];
        var card = new ScoreCard();

        // Warm up both paths so that JIT tiering is out of the measurement.
        for (int i = 0; i < 2_000; i++)
        {
            scorer.Score(outside, inside, history, ref card);
            scorer.Score(outsideBytes, insideBytes, [], ref card);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int flags = 0;
        for (int i = 0; i < 10_000; i++)
        {
            scorer.Score(outside, inside, history, ref card);
            flags += card.FlagCount;
            scorer.Score(outsideBytes, insideBytes, [], ref card);
            flags += card.Flags.Length;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_000 * (5 + 3), flags); // with history: the 3 + persistent (selfDisclosure) + new-polar (trustOfSelf); first round: 3
    }
}
