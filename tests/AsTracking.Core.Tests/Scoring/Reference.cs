using AsTracking.Core.Scoring;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>
/// default-v1 written out naively from the words of domain rule R11 (decimal arithmetic, no tables), as an oracle
/// for the compiled scorer. It lists flags in the scorer's documented order.
/// </summary>
internal static class Reference
{
    private static readonly int[][] FactorItems = [[1, 5, 9, 13], [2, 6, 10, 14], [3, 7, 11, 15], [4, 8, 12, 16]];
    private static readonly int[] ReverseKeyed = [9, 10, 11, 12];

    public static decimal FactorScore(int[] answers, Factor factor)
    {
        int sum = FactorItems[(int)factor].Sum(item => ReverseKeyed.Contains(item) ? 7 - answers[item - 1] : answers[item - 1]);
        return (sum - 4) * 0.75m;
    }

    public static Band BandOf(decimal score) =>
        score <= 3.0m ? Band.PolarLow : score < 6.0m ? Band.Low : score <= 9.0m ? Band.Balanced : score < 12.0m ? Band.High : Band.PolarHigh;

    public static PolarDirection Polar(Band band) => band switch
    {
        Band.PolarLow => PolarDirection.Low,
        Band.PolarHigh => PolarDirection.High,
        _ => PolarDirection.None,
    };

    public static bool OverRegulated(int[] answers)
    {
        decimal mean = answers.Sum() / 16m;
        decimal variance = answers.Sum(x => (x - mean) * (x - mean)) / 16m;
        return mean >= 3.0m && mean <= 4.0m && variance <= 0.5m * 0.5m;
    }

    public static (decimal[,] Scores, Band[,] Bands, List<Flag> Flags, int Severity, PriorityLevel Priority) Score(int[] outOfSchool, int[] inSchool, PolarHistory[] previousRounds)
    {
        int[][] contexts = [outOfSchool, inSchool];
        var scores = new decimal[2, 4];
        var bands = new Band[2, 4];
        var flags = new List<Flag>();
        for (int c = 0; c < 2; c++)
        {
            for (int f = 0; f < 4; f++)
            {
                scores[c, f] = FactorScore(contexts[c], (Factor)f);
                bands[c, f] = BandOf(scores[c, f]);
                if (Polar(bands[c, f]) is var d and not PolarDirection.None) flags.Add(new(FlagType.PolarBias, (Factor)f, (AssessmentContext)c, d, 1));
            }
        }
        for (int c = 0; c < 2; c++)
        {
            if (OverRegulated(contexts[c])) flags.Add(new(FlagType.OverRegulation, null, (AssessmentContext)c, PolarDirection.None, 2));
        }
        for (int f = 0; f < 4; f++)
        {
            if (Math.Abs(scores[0, f] - scores[1, f]) >= 6.0m) flags.Add(new(FlagType.ContextDivergence, (Factor)f, null, PolarDirection.None, 1));
        }
        int polarBias = flags.Count(x => x.Type == FlagType.PolarBias);
        if (polarBias >= 3) flags.Add(new(FlagType.MultiplePolar, null, null, PolarDirection.None, 2));
        if (previousRounds.Length >= 1)
        {
            foreach (var pb in flags.Where(x => x.Type == FlagType.PolarBias).ToList())
            {
                if (previousRounds[0][pb.Context!.Value, pb.Factor!.Value] == PolarDirection.None) flags.Add(pb with { Type = FlagType.NewPolar, Severity = 1 });
            }
        }
        if (previousRounds.Length >= 2)
        {
            foreach (var pb in flags.Where(x => x.Type == FlagType.PolarBias).ToList())
            {
                if (previousRounds[0][pb.Context!.Value, pb.Factor!.Value] == pb.Direction && previousRounds[1][pb.Context!.Value, pb.Factor!.Value] == pb.Direction)
                {
                    flags.Add(pb with { Type = FlagType.Persistent, Severity = 2 });
                }
            }
        }
        int severity = flags.Sum(x => x.Severity);
        var priority = severity == 0 ? PriorityLevel.None : severity <= 2 ? PriorityLevel.Monitor : PriorityLevel.Priority;
        return (scores, bands, flags, severity, priority);
    }
}

/// <summary>Builds answer sets with chosen keyed sums per factor (default-v1 item layout).</summary>
internal static class Answers
{
    /// <summary>Worked example of domain.md.</summary>
    public static readonly int[] WorkedOutOfSchool = [2, 5, 3, 4, 1, 6, 4, 3, 5, 2, 3, 4, 1, 5, 2, 3];
    public static readonly int[] WorkedInSchool = [3, 4, 4, 3, 3, 4, 4, 3, 4, 3, 3, 4, 3, 4, 4, 3];

    /// <summary>Every factor keyed 14 (score 7.5, balanced); raw mean 2.75, so never over-regulated. No flags.</summary>
    public static readonly int[] Neutral = [2, 2, 2, 2, 5, 5, 5, 5, 2, 2, 2, 2, 2, 2, 2, 2];

    /// <summary>Score of a keyed sum under default-v1.</summary>
    public static double ScoreOf(int keyedSum) => (keyedSum - 4) * 0.75;

    /// <summary>
    /// Raw answers whose factors have the given keyed sums (4-24). Keyed values are filled greedily with 6s and 1s,
    /// so at most one keyed value per factor is in between and the set is never over-regulated (R11).
    /// </summary>
    public static int[] WithKeyedSums(int selfDisclosure, int trustOfSelf, int trustOfOthers, int seekingChange)
    {
        int[] sums = [selfDisclosure, trustOfSelf, trustOfOthers, seekingChange];
        var answers = new int[16];
        for (int f = 0; f < 4; f++)
        {
            if (sums[f] is < 4 or > 24) throw new ArgumentOutOfRangeException(nameof(selfDisclosure), "A keyed sum of four answers is 4-24.");
            int remaining = sums[f];
            for (int slot = 0; slot < 4; slot++)
            {
                int keyed = Math.Clamp(remaining - (3 - slot), 1, 6);
                remaining -= keyed;
                int item = slot * 4 + f; // 0-based: items f+1, f+5, f+9, f+13
                answers[item] = item is >= 8 and <= 11 ? 7 - keyed : keyed;
            }
        }
        return answers;
    }

    public static int[] Flip(int[] answers) => answers.Select(x => 7 - x).ToArray();

    public static PolarHistory Mirror(PolarHistory history)
    {
        var mirrored = PolarHistory.None;
        foreach (var c in ScoringNames.Contexts)
        {
            foreach (var f in ScoringNames.Factors)
            {
                mirrored = mirrored.With(c, f, MirrorDirection(history[c, f]));
            }
        }
        return mirrored;
    }

    public static PolarDirection MirrorDirection(PolarDirection d) => d switch
    {
        PolarDirection.Low => PolarDirection.High,
        PolarDirection.High => PolarDirection.Low,
        _ => PolarDirection.None,
    };

    public static PolarHistory History(params (AssessmentContext Context, Factor Factor, PolarDirection Direction)[] cells)
    {
        var history = PolarHistory.None;
        foreach (var (c, f, d) in cells) history = history.With(c, f, d);
        return history;
    }
}
