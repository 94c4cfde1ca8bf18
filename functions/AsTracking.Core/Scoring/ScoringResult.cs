using System.Collections;

namespace AsTracking.Core.Scoring;

/// <summary>One factor in one context: the score (0-15 in steps of 0.75 under default-v1), its band, and the exact keyed sum.</summary>
public readonly record struct FactorResult(double Score, Band Band, int KeyedSum);

/// <summary>One context's four factors, plus the mean and population SD of its 16 raw answers.</summary>
public sealed record ContextResult(
    FactorResult SelfDisclosure,
    FactorResult TrustOfSelf,
    FactorResult TrustOfOthers,
    FactorResult SeekingChange,
    double Mean,
    double StandardDeviation)
{
    public FactorResult this[Factor factor] => factor switch
    {
        Factor.SelfDisclosure => SelfDisclosure,
        Factor.TrustOfSelf => TrustOfSelf,
        Factor.TrustOfOthers => TrustOfOthers,
        Factor.SeekingChange => SeekingChange,
        _ => throw new ArgumentOutOfRangeException(nameof(factor)),
    };
}

/// <summary>
/// An immutable scored round (R10-R11), for storage and reports. It records the model that produced it, and its
/// <see cref="Polar"/> state is the history that the pupil's later rounds pass to the scorer (newest first).
/// Value equality throughout, flags included.
/// </summary>
public sealed record ScoringResult(
    string ModelId,
    int ModelVersion,
    ContextResult OutOfSchool,
    ContextResult InSchool,
    FlagList Flags,
    int SummedSeverity,
    PriorityLevel Priority,
    PolarHistory Polar)
{
    public ContextResult this[AssessmentContext context] => context switch
    {
        AssessmentContext.OutOfSchool => OutOfSchool,
        AssessmentContext.InSchool => InSchool,
        _ => throw new ArgumentOutOfRangeException(nameof(context)),
    };
}

/// <summary>An immutable list of flags with sequence equality.</summary>
public sealed class FlagList : IReadOnlyList<Flag>, IEquatable<FlagList>
{
    private readonly Flag[] _flags;

    public FlagList(IEnumerable<Flag> flags) => _flags = [.. flags];

    internal FlagList(Flag[] owned) => _flags = owned;

    public static FlagList Empty { get; } = new([]);

    public int Count => _flags.Length;
    public Flag this[int index] => _flags[index];
    public ReadOnlySpan<Flag> AsSpan() => _flags;

    public IEnumerator<Flag> GetEnumerator() => ((IEnumerable<Flag>)_flags).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _flags.GetEnumerator();

    public bool Equals(FlagList? other) => other is not null && _flags.AsSpan().SequenceEqual(other._flags);
    public override bool Equals(object? obj) => Equals(obj as FlagList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var flag in _flags) hash.Add(flag);
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", _flags)}]";
}
