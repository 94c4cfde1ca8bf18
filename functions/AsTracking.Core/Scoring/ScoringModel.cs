using System.Collections.Immutable;
using System.Text.Json;

namespace AsTracking.Core.Scoring;

/// <summary>One band of a model (R11), ascending. A bound is absent (null) at the open ends.</summary>
public sealed record BandDefinition(Band Band, decimal? Lower, bool LowerInclusive, decimal? Upper, bool UpperInclusive, PolarDirection Polar)
{
    public bool IsPolar => Polar != PolarDirection.None;
}

/// <summary><c>over-regulation</c>: raw-answer mean within [<see cref="MeanAtLeast"/>, <see cref="MeanAtMost"/>] and population SD ≤ <see cref="SdAtMost"/>.</summary>
public sealed record OverRegulationRule(int Severity, decimal MeanAtLeast, decimal MeanAtMost, decimal SdAtMost);

/// <summary><c>context-divergence</c>: |outOfSchool − inSchool| ≥ <see cref="DifferenceAtLeast"/> for a factor.</summary>
public sealed record ContextDivergenceRule(int Severity, decimal DifferenceAtLeast);

/// <summary><c>multiple-polar</c>: at least <see cref="PolarBiasAtLeast"/> polar-bias flags across both contexts.</summary>
public sealed record MultiplePolarRule(int Severity, int PolarBiasAtLeast);

/// <summary><c>persistent</c>: the same polar-bias now and in each of the <see cref="PreviousRounds"/> previous scored rounds.</summary>
public sealed record PersistentRule(int Severity, int PreviousRounds);

public sealed record FlagRules(
    int PolarBiasSeverity,
    OverRegulationRule OverRegulation,
    ContextDivergenceRule ContextDivergence,
    MultiplePolarRule MultiplePolar,
    int NewPolarSeverity,
    PersistentRule Persistent);

/// <summary>Summed severity 0 → none; ≥ <see cref="MonitorAtLeast"/> → monitor; ≥ <see cref="PriorityAtLeast"/> → priority.</summary>
public sealed record PriorityThresholds(int MonitorAtLeast, int PriorityAtLeast);

/// <summary>
/// A scoring model as data (R10): a JSON document with an <see cref="Id"/> and a <see cref="Version"/>.
/// <see cref="Default"/> is the embedded <c>default-v1</c> (R11); later versions come from Blob Storage through
/// <see cref="Parse"/>, which validates the whole document. <see cref="Compile"/> builds the allocation-free scorer once.
/// </summary>
/// <remarks>
/// Keying: a reverse-keyed item's value v counts as (answer min + answer max) − v, so 7 − v for answers 1-6.
/// A factor's score is (sum of its keyed values − <see cref="ScoreOffset"/>) × <see cref="ScoreScale"/>.
/// </remarks>
public sealed class ScoringModel
{
    /// <summary>R8: each context is exactly 16 answers from 1 to 6. A model must score exactly that.</summary>
    public const int ContractItems = 16;
    public const int ContractAnswerMin = 1;
    public const int ContractAnswerMax = 6;

    private static readonly Lazy<ScoringModel> DefaultModel = new(LoadDefault);
    private CompiledScorer? _compiled;

    internal ScoringModel(
        string id, int version, string? description, int items, int answerMin, int answerMax,
        ImmutableArray<int> reverseKeyed, ImmutableArray<ImmutableArray<int>> factorItems,
        decimal scoreOffset, decimal scoreScale, ImmutableArray<BandDefinition> bands, FlagRules flags, PriorityThresholds priority)
    {
        Id = id;
        Version = version;
        Description = description;
        Items = items;
        AnswerMin = answerMin;
        AnswerMax = answerMax;
        ReverseKeyed = reverseKeyed;
        FactorItems = factorItems;
        ScoreOffset = scoreOffset;
        ScoreScale = scoreScale;
        Bands = bands;
        Flags = flags;
        Priority = priority;
    }

    /// <summary>The embedded <c>default-v1</c> of domain rule R11.</summary>
    public static ScoringModel Default => DefaultModel.Value;

    public string Id { get; }
    public int Version { get; }
    public string? Description { get; }

    /// <summary>Answers per context.</summary>
    public int Items { get; }
    public int AnswerMin { get; }
    public int AnswerMax { get; }

    /// <summary>1-based item numbers whose value v is keyed as (<see cref="AnswerMin"/> + <see cref="AnswerMax"/>) − v.</summary>
    public ImmutableArray<int> ReverseKeyed { get; }

    /// <summary>1-based item numbers per factor, indexed by <see cref="Factor"/>. Every item belongs to exactly one factor.</summary>
    public ImmutableArray<ImmutableArray<int>> FactorItems { get; }

    public decimal ScoreOffset { get; }
    public decimal ScoreScale { get; }

    /// <summary>The five contract bands, ascending; adjacent bands share an edge that exactly one of them includes.</summary>
    public ImmutableArray<BandDefinition> Bands { get; }

    public FlagRules Flags { get; }
    public PriorityThresholds Priority { get; }

    public ImmutableArray<int> ItemsOf(Factor factor) => FactorItems[(int)factor];

    /// <summary>The scorer for this model, compiled on first use and then shared (it is immutable and thread-safe).</summary>
    public CompiledScorer Compile()
    {
        var compiled = Volatile.Read(ref _compiled);
        if (compiled is not null) return compiled;
        Interlocked.CompareExchange(ref _compiled, new CompiledScorer(this), null);
        return _compiled!;
    }

    /// <summary>
    /// Reads and validates a model document. Every problem is reported with its field path
    /// (e.g. <c>factors.trustOfSelf[2]</c>, <c>bands[1].below</c>) in one <see cref="Errors.ValidationFailedException"/>.
    /// </summary>
    public static ScoringModel Parse(ReadOnlySpan<byte> utf8Json) => ScoringModelReader.Read(utf8Json);

    /// <summary>The model as canonical, indented UTF-8 JSON that <see cref="Parse"/> reads back to an equal model.</summary>
    public byte[] ToJson() => ScoringModelWriter.Write(this);

    public override string ToString() => $"{Id}@{Version}";

    private static ScoringModel LoadDefault()
    {
        const string name = "AsTracking.Core.Scoring.default-v1.json";
        using var stream = typeof(ScoringModel).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
}
