namespace AsTracking.Functions.Http.Infrastructure;

/// <summary>
/// Marks the few HTTP functions that run without a bearer token (assessments, handover claim, health, openapi).
/// Everything else must authenticate; a test enumerates the functions and holds them to it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnonymousFunctionAttribute : Attribute;
