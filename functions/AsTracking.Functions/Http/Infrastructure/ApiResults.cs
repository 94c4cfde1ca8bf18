using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AsTracking.Functions.Http.Infrastructure;

/// <summary>
/// A JSON result written with the contract's serializer options. It does not depend on MVC formatters, so the
/// same result runs in the Functions worker, the DevHost and tests that call functions directly.
/// </summary>
public sealed class JsonBodyResult(object? value, int status = StatusCodes.Status200OK, string contentType = "application/json") : IActionResult
{
    public object? Value { get; } = value;
    public int StatusCode { get; } = status;
    public string ContentType { get; } = contentType;
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = ContentType + "; charset=utf-8";
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        // Pupil data must never sit in a shared cache.
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        await JsonSerializer.SerializeAsync(response.Body, Value, Value?.GetType() ?? typeof(object), ApiJson.Options, context.HttpContext.RequestAborted)
            .ConfigureAwait(false);
    }
}

public static class ApiResults
{
    public static JsonBodyResult Ok(object value) => new(value);

    public static JsonBodyResult Created(object value) => new(value, StatusCodes.Status201Created);

    public static JsonBodyResult Accepted(object value) => new(value, StatusCodes.Status202Accepted);

    public static JsonBodyResult Status(object value, int status) => new(value, status);
}
