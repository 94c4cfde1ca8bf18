using System.Text.Json;
using AsTracking.Core.Access;
using AsTracking.Core.Errors;
using AsTracking.Functions.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace AsTracking.Functions.Http.Infrastructure;

/// <summary>
/// What every HTTP function shares: authenticate first (deny by default), read bounded bodies, and map any
/// failure to problem+json in one place.
/// </summary>
public sealed class ApiEndpoint(RequestAuthenticator authenticator, ILogger<ApiEndpoint> logger)
{
    public const int MaxJsonBytes = 1024 * 1024;

    public async Task<IActionResult> RunAsync(HttpRequest request, Func<Caller, Task<IActionResult>> handler)
    {
        try
        {
            var caller = await authenticator.AuthenticateAsync(request).ConfigureAwait(false);
            return await handler(caller).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return ProblemMapper.ToResult(ex, logger);
        }
    }

    /// <summary>For the explicitly anonymous functions: assessments, handover claim, health, openapi.</summary>
    public async Task<IActionResult> RunAnonymousAsync(HttpRequest request, Func<Task<IActionResult>> handler)
    {
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return ProblemMapper.ToResult(ex, logger);
        }
    }

    public async Task<T?> ReadJsonAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        var bytes = await ReadBytesAsync(request, MaxJsonBytes, ct).ConfigureAwait(false);
        if (bytes.Length == 0) throw ValidationFailedException.For("body", "A JSON body is required.");
        // Syntax first, so a malformed document is reported as such and not as a field of the wrong type.
        try
        {
            using var _ = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = ApiJson.Options.MaxDepth });
        }
        catch (JsonException)
        {
            throw ValidationFailedException.For("body", "The body is not valid JSON.");
        }
        return JsonSerializer.Deserialize<T>(bytes, ApiJson.Options)
            ?? throw ValidationFailedException.For("body", "A JSON object is required.");
    }

    /// <summary>Reads the whole body, refusing more than <paramref name="maxBytes"/> with 413 without buffering it all.</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) throw new PayloadTooLargeException($"The body is limited to {maxBytes} bytes.");
        using var buffer = new MemoryStream((int)Math.Clamp(request.ContentLength ?? 4096, 0, maxBytes));
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw new PayloadTooLargeException($"The body is limited to {maxBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
