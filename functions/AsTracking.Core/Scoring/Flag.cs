namespace AsTracking.Core.Scoring;

/// <summary>
/// One advisory flag (R11): <c>{type, factor?, context?, direction?, severity}</c> in the contract.
/// <list type="bullet">
/// <item><c>polar-bias</c>: factor, context and direction.</item>
/// <item><c>over-regulation</c>: context.</item>
/// <item><c>context-divergence</c>: factor.</item>
/// <item><c>multiple-polar</c>: none.</item>
/// <item><c>new-polar</c>, <c>persistent</c>: factor and context, plus the direction of the polar band they concern.</item>
/// </list>
/// <see cref="Direction"/> is <see cref="PolarDirection.None"/> when the flag has no direction.
/// </summary>
public readonly record struct Flag(FlagType Type, Factor? Factor, AssessmentContext? Context, PolarDirection Direction, int Severity);
