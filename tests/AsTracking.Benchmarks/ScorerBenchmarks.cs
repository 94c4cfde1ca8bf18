using AsTracking.Core.Scoring;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace AsTracking.Benchmarks;

/// <summary>
/// Scorer throughput (issue 3, deliverable 7). Each invocation scores the same 1,024 sittings (the worked example
/// plus random answers, fixed seed), so figures are per sitting (both contexts).
/// <list type="bullet">
/// <item><see cref="KeyedSums"/> (baseline): only sums the 16 keyed items of each context.</item>
/// <item><see cref="FullScorer"/>: the compiled default-v1 scorer: keyed factor sums, scores, bands, all non-trend
/// flags, summed severity and priority (no history, so no trend flags).</item>
/// </list>
/// Goals: full ≤ 4× baseline, 0 bytes allocated per scoring.
/// </summary>
[MemoryDiagnoser]
public class ScorerBenchmarks
{
    private const int Sittings = 1024;
    private const int Items = 16;

    // Keyed value = add + sign × answer: items 9-12 (indexes 8-11) are reverse-keyed (7 − answer).
    private static readonly int[] KeyAdd = [0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 7, 7, 0, 0, 0, 0];
    private static readonly int[] KeySign = [1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, 1, 1, 1, 1];

    private readonly CompiledScorer _scorer = ScoringModel.Default.Compile();
    private readonly int[] _outOfSchool = new int[Sittings * Items];
    private readonly int[] _inSchool = new int[Sittings * Items];
    private ScoreCard _card;

    public static int Run(string[] args)
    {
        BenchmarkRunner.Run<ScorerBenchmarks>(args: args);
        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261204);
        for (int i = 0; i < _outOfSchool.Length; i++)
        {
            _outOfSchool[i] = random.Next(1, 7);
            _inSchool[i] = random.Next(1, 7);
        }
        int[] workedOut = [2, 5, 3, 4, 1, 6, 4, 3, 5, 2, 3, 4, 1, 5, 2, 3];
        int[] workedIn = [3, 4, 4, 3, 3, 4, 4, 3, 4, 3, 3, 4, 3, 4, 4, 3];
        workedOut.CopyTo(_outOfSchool, 0);
        workedIn.CopyTo(_inSchool, 0);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Sittings)]
    public int KeyedSums()
    {
        int total = 0;
        for (int s = 0; s < Sittings; s++)
        {
            total += KeyedSum(_outOfSchool.AsSpan(s * Items, Items)) + KeyedSum(_inSchool.AsSpan(s * Items, Items));
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Sittings)]
    public int FullScorer()
    {
        int total = 0;
        for (int s = 0; s < Sittings; s++)
        {
            _scorer.Score(_outOfSchool.AsSpan(s * Items, Items), _inSchool.AsSpan(s * Items, Items), [], ref _card);
            total += _card.SummedSeverity;
        }
        return total;
    }

    private static int KeyedSum(ReadOnlySpan<int> answers)
    {
        int sum = 0;
        for (int i = 0; i < answers.Length; i++) sum += KeyAdd[i] + KeySign[i] * answers[i];
        return sum;
    }
}
