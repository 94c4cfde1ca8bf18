using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace AsTracking.Storage.Tests.Keys;

/// <summary>
/// An in-process stand-in for the Key Vault secrets REST API (there is no Key Vault emulator), plugged into a real
/// <see cref="SecretClient"/> as its HTTP transport. It answers the client's challenge-based auth handshake: a
/// request without a bearer token gets 401 with the Key Vault WWW-Authenticate challenge.
/// </summary>
internal sealed class FakeKeyVault : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, List<(string Version, string Value)>> _secrets = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private TaskCompletionSource? _hold;
    private TaskCompletionSource _arrived = NewSignal();

    /// <summary>A unique host per fake, because the SDK caches auth challenges per host in a static cache.</summary>
    public Uri VaultUri { get; } = new($"https://kv{Guid.NewGuid():N}.vault.azure.net/");

    public int ChallengeCount;

    /// <summary>Authorised requests per path (without the query string), for example <c>/secrets/pupil-kek/abc</c>.</summary>
    public int RequestsTo(string path) => _requests.TryGetValue(path, out var count) ? count : 0;

    public int TotalRequests => _requests.Values.Sum();

    public string SetSecret(string name, string value)
    {
        var version = Guid.NewGuid().ToString("N");
        _secrets.GetOrAdd(name, _ => []).Add((version, value));
        return version;
    }

    /// <summary>From now on authorised requests wait until <see cref="Release"/>; <see cref="Arrived"/> fires when one does.</summary>
    public void Hold()
    {
        _hold = NewSignal();
        _arrived = NewSignal();
    }

    public Task Arrived => _arrived.Task;

    public void Release() => _hold?.TrySetResult();

    public SecretClient CreateClient() =>
        new(VaultUri, new FakeCredential(), new SecretClientOptions
        {
            Transport = new HttpClientTransport(new HttpClient(this)),
            Retry = { MaxRetries = 0 },
        });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: "dummy-token" })
        {
            Interlocked.Increment(ref ChallengeCount);
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.TryAddWithoutValidation(
                "WWW-Authenticate",
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"");
            return challenge;
        }

        var path = request.RequestUri!.AbsolutePath.TrimEnd('/');
        _requests.AddOrUpdate(path, 1, (_, count) => count + 1);
        if (_hold is { } hold)
        {
            _arrived.TrySetResult();
            await hold.Task.WaitAsync(ct);
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (request.Method != HttpMethod.Get || segments is not ["secrets", var name, ..] || segments.Length > 3
            || !_secrets.TryGetValue(name, out var versions) || versions.Count == 0)
        {
            return NotFound();
        }

        var (version, value) = segments.Length == 3
            ? versions.FirstOrDefault(v => v.Version == segments[2])
            : versions[^1];
        if (version is null)
        {
            return NotFound();
        }

        var body = JsonSerializer.Serialize(new
        {
            value,
            id = new Uri(VaultUri, $"secrets/{name}/{version}").ToString(),
            attributes = new { enabled = true, created = 1_700_000_000, updated = 1_700_000_000, recoveryLevel = "Recoverable+Purgeable" },
            tags = new { },
        });
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
    }

    private static HttpResponseMessage NotFound() => new(HttpStatusCode.NotFound)
    {
        Content = new StringContent(
            """{"error":{"code":"SecretNotFound","message":"Secret not found"}}""", Encoding.UTF8, "application/json"),
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class FakeCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("dummy-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
