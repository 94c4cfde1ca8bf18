using AsTracking.Core.Scoring;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// The stored form of a <see cref="ScoringResult"/>. Scores carry no identifier (R19): the row names the pupil only
/// by opaque id, so destroying the pupil's data key leaves them anonymous.
/// </summary>
internal sealed class StoredResult
{
    public string ModelId { get; set; } = "";
    public int ModelVersion { get; set; }
    public double[] Scores { get; set; } = [];
    public Band[] Bands { get; set; } = [];
    public int[] KeyedSums { get; set; } = [];
    public double[] Means { get; set; } = [];
    public double[] Deviations { get; set; } = [];
    public List<StoredFlag> Flags { get; set; } = [];
    public int SummedSeverity { get; set; }
    public PriorityLevel Priority { get; set; }
    public ushort Polar { get; set; }

    public static StoredResult From(ScoringResult r)
    {
        var stored = new StoredResult
        {
            ModelId = r.ModelId,
            ModelVersion = r.ModelVersion,
            Scores = new double[8],
            Bands = new Band[8],
            KeyedSums = new int[8],
            Means = [r.OutOfSchool.Mean, r.InSchool.Mean],
            Deviations = [r.OutOfSchool.StandardDeviation, r.InSchool.StandardDeviation],
            Flags = r.Flags.Select(f => new StoredFlag(f.Type, f.Factor, f.Context, f.Direction, f.Severity)).ToList(),
            SummedSeverity = r.SummedSeverity,
            Priority = r.Priority,
            Polar = r.Polar.Bits,
        };
        foreach (var context in ScoringNames.Contexts)
        {
            foreach (var factor in ScoringNames.Factors)
            {
                var cell = (int)context * 4 + (int)factor;
                var f = r[context][factor];
                (stored.Scores[cell], stored.Bands[cell], stored.KeyedSums[cell]) = (f.Score, f.Band, f.KeyedSum);
            }
        }
        return stored;
    }

    public ScoringResult ToResult()
    {
        ContextResult Context(int c) => new(
            Factor(c, 0), Factor(c, 1), Factor(c, 2), Factor(c, 3), Means[c], Deviations[c]);
        FactorResult Factor(int c, int f) => new(Scores[c * 4 + f], Bands[c * 4 + f], KeyedSums[c * 4 + f]);
        return new ScoringResult(ModelId, ModelVersion, Context(0), Context(1),
            new FlagList(Flags.Select(f => new Flag(f.Type, f.Factor, f.Context, f.Direction, f.Severity))),
            SummedSeverity, Priority, PolarHistory.FromBits(Polar));
    }
}

internal sealed record StoredFlag(FlagType Type, Factor? Factor, AssessmentContext? Context, PolarDirection Direction, int Severity);
