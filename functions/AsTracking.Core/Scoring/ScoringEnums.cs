namespace AsTracking.Core.Scoring;

/// <summary>The two contexts every sitting answers (domain glossary). Contract names: <c>outOfSchool</c>, <c>inSchool</c>.</summary>
public enum AssessmentContext : byte
{
    OutOfSchool = 0,
    InSchool = 1,
}

/// <summary>The four steering biases (R11). Contract names: <c>selfDisclosure</c>, <c>trustOfSelf</c>, <c>trustOfOthers</c>, <c>seekingChange</c>.</summary>
public enum Factor : byte
{
    SelfDisclosure = 0,
    TrustOfSelf = 1,
    TrustOfOthers = 2,
    SeekingChange = 3,
}

/// <summary>Score bands in ascending order (R11). Contract names: <c>polar-low</c> … <c>polar-high</c>.</summary>
public enum Band : byte
{
    PolarLow = 0,
    Low = 1,
    Balanced = 2,
    High = 3,
    PolarHigh = 4,
}

/// <summary>Which end of a bipolar factor a polar band sits at. <see cref="None"/> means not polar.</summary>
public enum PolarDirection : byte
{
    None = 0,
    Low = 1,
    High = 2,
}

/// <summary>Advisory flags (R11), in the order a score card lists them.</summary>
public enum FlagType : byte
{
    PolarBias = 0,
    OverRegulation = 1,
    ContextDivergence = 2,
    MultiplePolar = 3,
    NewPolar = 4,
    Persistent = 5,
}

/// <summary>Summary level from the summed severity (R11). Contract names: <c>none</c>, <c>monitor</c>, <c>priority</c>.</summary>
public enum PriorityLevel : byte
{
    None = 0,
    Monitor = 1,
    Priority = 2,
}

/// <summary>Contract (wire) names of the scoring enums. Every name is a constant: no allocation.</summary>
public static class ScoringNames
{
    public const int ContextCount = 2;
    public const int FactorCount = 4;
    public const int BandCount = 5;

    public static ReadOnlySpan<AssessmentContext> Contexts => [AssessmentContext.OutOfSchool, AssessmentContext.InSchool];
    public static ReadOnlySpan<Factor> Factors => [Factor.SelfDisclosure, Factor.TrustOfSelf, Factor.TrustOfOthers, Factor.SeekingChange];

    public static string ToName(this AssessmentContext context) => context switch
    {
        AssessmentContext.OutOfSchool => "outOfSchool",
        AssessmentContext.InSchool => "inSchool",
        _ => throw new ArgumentOutOfRangeException(nameof(context)),
    };

    public static string ToName(this Factor factor) => factor switch
    {
        Factor.SelfDisclosure => "selfDisclosure",
        Factor.TrustOfSelf => "trustOfSelf",
        Factor.TrustOfOthers => "trustOfOthers",
        Factor.SeekingChange => "seekingChange",
        _ => throw new ArgumentOutOfRangeException(nameof(factor)),
    };

    public static string ToName(this Band band) => band switch
    {
        Band.PolarLow => "polar-low",
        Band.Low => "low",
        Band.Balanced => "balanced",
        Band.High => "high",
        Band.PolarHigh => "polar-high",
        _ => throw new ArgumentOutOfRangeException(nameof(band)),
    };

    /// <summary><c>low</c> or <c>high</c>; <see cref="PolarDirection.None"/> has no wire name and throws.</summary>
    public static string ToName(this PolarDirection direction) => direction switch
    {
        PolarDirection.Low => "low",
        PolarDirection.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(direction)),
    };

    public static string ToName(this FlagType type) => type switch
    {
        FlagType.PolarBias => "polar-bias",
        FlagType.OverRegulation => "over-regulation",
        FlagType.ContextDivergence => "context-divergence",
        FlagType.MultiplePolar => "multiple-polar",
        FlagType.NewPolar => "new-polar",
        FlagType.Persistent => "persistent",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string ToName(this PriorityLevel priority) => priority switch
    {
        PriorityLevel.None => "none",
        PriorityLevel.Monitor => "monitor",
        PriorityLevel.Priority => "priority",
        _ => throw new ArgumentOutOfRangeException(nameof(priority)),
    };

    public static bool TryParseContext(string? name, out AssessmentContext value) => TryParse(name, out value, ToName);
    public static bool TryParseFactor(string? name, out Factor value) => TryParse(name, out value, ToName);
    public static bool TryParseBand(string? name, out Band value) => TryParse(name, out value, ToName);
    public static bool TryParseFlagType(string? name, out FlagType value) => TryParse(name, out value, ToName);
    public static bool TryParsePriority(string? name, out PriorityLevel value) => TryParse(name, out value, ToName);

    public static bool TryParseDirection(string? name, out PolarDirection value)
    {
        value = name switch { "low" => PolarDirection.Low, "high" => PolarDirection.High, _ => PolarDirection.None };
        return value != PolarDirection.None;
    }

    private static bool TryParse<T>(string? name, out T value, Func<T, string> toName) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(toName(candidate), name, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
