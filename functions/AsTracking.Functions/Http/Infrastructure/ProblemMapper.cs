using System.Text.Json;
using AsTracking.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Http.Infrastructure;

/// <summary>RFC 9457 problem details with the contract's stable codes.</summary>
public sealed record Problem(string Type, string Title, int Status, string Detail, string Code)
{
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }
}

/// <summary>The one place where failures become HTTP answers. A 5xx never carries exception details.</summary>
public static partial class ProblemMapper
{
    public const string TypeBase = "https://astracking.example/problems/";

    public static JsonBodyResult ToResult(Exception exception, ILogger logger)
    {
        var problem = exception switch
        {
            DomainException d => FromDomain(d),
            JsonException j => FromJson(j),
            BadHttpRequestException { StatusCode: 413 } => FromDomain(new PayloadTooLargeException("The body is too large.")),
            _ => null,
        };
        if (problem is null)
        {
            LogUnhandled(logger, exception.GetType().Name, exception);
            problem = new Problem(TypeBase + "internal", "An unexpected error occurred.", 500,
                "The request could not be completed. It is safe to retry.", "internal");
        }
        var result = new JsonBodyResult(problem, problem.Status, "application/problem+json");
        if (problem.Status == 401) result.Headers["WWW-Authenticate"] = "Bearer";
        return result;
    }

    public static Problem FromDomain(DomainException d) =>
        new(TypeBase + d.Code, d.Title, d.Status, d.Message, d.Code)
        {
            Errors = d is ValidationFailedException v ? v.Errors : null,
        };

    /// <summary>System.Text.Json failures: malformed JSON, wrong types, unknown enum values. The path names the field.</summary>
    private static Problem FromJson(JsonException j)
    {
        var field = string.IsNullOrEmpty(j.Path) || j.Path == "$" ? "body" : j.Path.TrimStart('$', '.');
        var message = j.Path is null or "$"
            ? "The body is not valid JSON."
            : $"{field} has the wrong type, an unknown value, or is malformed.";
        return FromDomain(ValidationFailedException.For(field, message));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} while serving a request")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, Exception exception);
}
