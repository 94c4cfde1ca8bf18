using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AsTracking.Core.Scoring;

/// <summary>Eight values, one per context × factor (cell = context × 4 + factor).</summary>
[InlineArray(8)]
internal struct CellArray<T>
{
    private T _element;
}

/// <summary>One value per context.</summary>
[InlineArray(2)]
internal struct ContextArray<T>
{
    private T _element;
}

[InlineArray(ScoreCard.FlagCapacity)]
internal struct FlagBuffer
{
    private Flag _element;
}

/// <summary>
/// The allocation-free result of one scoring (<see cref="CompiledScorer.Score(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{PolarHistory}, ref ScoreCard)"/>).
/// A plain struct of fixed size: keep one per thread and pass it by <c>ref</c>; each scoring overwrites all of it.
/// <see cref="CompiledScorer.ToResult"/> turns it into an immutable <see cref="ScoringResult"/> for storage.
/// </summary>
public struct ScoreCard
{
    /// <summary>More than the most flags any model can raise: 8 polar-bias, 2 over-regulation, 4 context-divergence,
    /// 1 multiple-polar and 8 new-polar or persistent (the two exclude each other).</summary>
    public const int FlagCapacity = 32;

    internal CellArray<double> ScoreCells;
    internal CellArray<int> KeyedCells;
    internal CellArray<Band> BandCells;
    internal ContextArray<int> RawSums;
    internal ContextArray<int> RawSquareSums;
    internal FlagBuffer FlagItems;

    /// <summary>Answers per context that the scoring read (16 under R8).</summary>
    public int Items { readonly get; internal set; }

    public int FlagCount { readonly get; internal set; }

    /// <summary>The sum of the severities of <see cref="Flags"/>.</summary>
    public int SummedSeverity { readonly get; internal set; }

    public PriorityLevel Priority { readonly get; internal set; }

    /// <summary>This round's polar state: history for the pupil's later rounds.</summary>
    public PolarHistory Polar { readonly get; internal set; }

    /// <summary>The flags, in a fixed order: polar-bias, over-regulation, context-divergence, multiple-polar, new-polar,
    /// persistent; within a type, outOfSchool before inSchool and factors in contract order.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<Flag> Flags => ((ReadOnlySpan<Flag>)FlagItems)[..FlagCount];

    /// <summary>The factor score, (keyed sum − offset) × scale.</summary>
    public readonly double Score(AssessmentContext context, Factor factor) => ScoreCells[PolarHistory.Cell(context, factor)];

    public readonly Band Band(AssessmentContext context, Factor factor) => BandCells[PolarHistory.Cell(context, factor)];

    /// <summary>The sum of the factor's keyed answers: the exact integer the score and band derive from.</summary>
    public readonly int KeyedSum(AssessmentContext context, Factor factor) => KeyedCells[PolarHistory.Cell(context, factor)];

    /// <summary>Σx over the context's raw (not keyed) answers.</summary>
    public readonly int RawSum(AssessmentContext context) => RawSums[ContextIndex(context)];

    /// <summary>Σx² over the context's raw (not keyed) answers.</summary>
    public readonly int RawSumOfSquares(AssessmentContext context) => RawSquareSums[ContextIndex(context)];

    /// <summary>Mean of the raw answers (for display; the over-regulation test itself uses exact integers).</summary>
    public readonly double Mean(AssessmentContext context) => Items == 0 ? 0 : (double)RawSum(context) / Items;

    /// <summary>Population standard deviation of the raw answers, √(nΣx² − (Σx)²) / n.</summary>
    public readonly double StandardDeviation(AssessmentContext context)
    {
        if (Items == 0) return 0;
        long s = RawSum(context);
        long spread = (long)Items * RawSumOfSquares(context) - s * s;
        return Math.Sqrt(spread) / Items;
    }

    internal void AddFlag(in Flag flag)
    {
        FlagItems[FlagCount] = flag;
        FlagCount++;
    }

    private static int ContextIndex(AssessmentContext context) =>
        (uint)context < ScoringNames.ContextCount ? (int)context : throw new ArgumentOutOfRangeException(nameof(context));
}
