using AsTracking.DevHost.Identity;

namespace AsTracking.Functions.Tests.Support;

/// <summary>
/// Entra-shaped v2.0 test tokens, minted by the DevHost's own <see cref="DevTokenMinter"/> with a per-test key
/// whose public half the function host trusts; the "other key" minter is trusted by nobody.
/// </summary>
public sealed class TestTokens : IDisposable
{
    public const string ClientId = "a5a5a5a5-0000-4000-8000-0000000000c1";
    public const string TenantA = "a5a5a5a5-0000-4000-8000-0000000000aa";
    public const string TenantB = "a5a5a5a5-0000-4000-8000-0000000000bb";

    private readonly DevTokenMinter _minter = DevTokenMinter.WithEphemeralKey();
    private readonly DevTokenMinter _other = DevTokenMinter.WithEphemeralKey();

    public TestTokens()
    {
        PublicKeyPemFile = Path.Combine(Path.GetTempPath(), $"astracking-test-{Guid.NewGuid():N}.pub.pem");
        File.WriteAllText(PublicKeyPemFile, _minter.PublicKeyPem);
    }

    public string PublicKeyPemFile { get; }

    public string Mint(string tenantId, string objectId, string[]? roles = null, string? scope = "access_as_user",
        TimeSpan? lifetime = null, DateTime? notBefore = null, string? audience = null, bool otherKey = false) =>
        (otherKey ? _other : _minter).Mint(new DevTokenRequest(Guid.Parse(objectId))
        {
            TenantId = Guid.Parse(tenantId),
            Roles = roles ?? [],
            Scope = scope,
            Audience = audience ?? ClientId,
            IssuedAt = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            Lifetime = lifetime ?? TimeSpan.FromHours(1),
        });

    public void Dispose()
    {
        _minter.Dispose();
        _other.Dispose();
        File.Delete(PublicKeyPemFile);
    }
}
