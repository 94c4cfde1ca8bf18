using System.Text;
using AsTracking.Core.Scoring;

namespace AsTracking.Core.Assessments;

/// <summary>Which slice of a school's round a summary counts: all, a year group, a tutor group, or both.</summary>
public readonly record struct CohortScope(string Key)
{
    public static CohortScope All => new("all");

    public static CohortScope For(int? yearGroup, string? tutorGroup) => (yearGroup, tutorGroup) switch
    {
        (null, null) => All,
        ({ } y, null) => new($"y{y}"),
        (null, { } t) => new($"t{Hex(t)}"),
        ({ } y, { } t) => new($"y{y}t{Hex(t)}"),
    };

    /// <summary>Every scope a pupil's result counts in.</summary>
    public static IReadOnlyList<CohortScope> Of(int yearGroup, string? tutorGroup) =>
        tutorGroup is null ? [All, For(yearGroup, null)] : [All, For(yearGroup, null), For(null, tutorGroup), For(yearGroup, tutorGroup)];

    // Tutor group names may hold characters that table keys forbid; hex keeps keys safe and case-insensitive.
    private static string Hex(string tutorGroup) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(tutorGroup.Trim().ToUpperInvariant()));
}

/// <summary>
/// Running totals for one school, round, model version and scope, updated with each scored result so that cohort
/// reads need no scan. Totals are exact: scores are sums of multiples of the model's scale.
/// </summary>
public sealed class CohortSummary
{
    private const int Cells = ScoringNames.ContextCount * ScoringNames.FactorCount;

    public int Assessed { get; set; }
    public double[] ScoreSums { get; set; } = new double[Cells];
    public int[] PolarLow { get; set; } = new int[Cells];
    public int[] PolarHigh { get; set; } = new int[Cells];
    public Dictionary<string, int> Flags { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Priority { get; set; } = new(StringComparer.Ordinal);

    public void Add(ScoringResult result) => Apply(result, +1);

    /// <summary>Adds another partial summary (a shard) into this one.</summary>
    public void Merge(CohortSummary other)
    {
        Assessed += other.Assessed;
        for (int i = 0; i < Cells; i++)
        {
            ScoreSums[i] += other.ScoreSums[i];
            PolarLow[i] += other.PolarLow[i];
            PolarHigh[i] += other.PolarHigh[i];
        }
        foreach (var (k, v) in other.Flags) Flags[k] = Flags.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other.Priority) Priority[k] = Priority.GetValueOrDefault(k) + v;
    }

    public void Remove(ScoringResult result) => Apply(result, -1);

    public double Mean(AssessmentContext context, Factor factor) =>
        Assessed == 0 ? 0 : Math.Round(ScoreSums[Cell(context, factor)] / Assessed, 2, MidpointRounding.AwayFromZero);

    public int Polar(AssessmentContext context, Factor factor, PolarDirection direction) =>
        direction == PolarDirection.Low ? PolarLow[Cell(context, factor)] : PolarHigh[Cell(context, factor)];

    private void Apply(ScoringResult result, int sign)
    {
        Assessed += sign;
        foreach (var context in ScoringNames.Contexts)
        {
            foreach (var factor in ScoringNames.Factors)
            {
                var cell = Cell(context, factor);
                ScoreSums[cell] += sign * result[context][factor].Score;
                switch (result.Polar[context, factor])
                {
                    case PolarDirection.Low: PolarLow[cell] += sign; break;
                    case PolarDirection.High: PolarHigh[cell] += sign; break;
                }
            }
        }
        foreach (var flag in result.Flags)
        {
            var name = flag.Type.ToName();
            Flags[name] = Flags.GetValueOrDefault(name) + sign;
        }
        var priority = result.Priority.ToName();
        Priority[priority] = Priority.GetValueOrDefault(priority) + sign;
    }

    private static int Cell(AssessmentContext context, Factor factor) => (int)context * ScoringNames.FactorCount + (int)factor;
}
