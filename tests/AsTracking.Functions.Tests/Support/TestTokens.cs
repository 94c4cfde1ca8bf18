using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AsTracking.Functions.Tests.Support;

/// <summary>Mints Entra-shaped v2.0 tokens with a test RSA key, including deliberately bad ones.</summary>
public sealed class TestTokens : IDisposable
{
    public const string ClientId = "a5a5a5a5-0000-4000-8000-0000000000c1";
    public const string TenantA = "a5a5a5a5-0000-4000-8000-0000000000aa";
    public const string TenantB = "a5a5a5a5-0000-4000-8000-0000000000bb";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _otherRsa = RSA.Create(2048);

    public TestTokens()
    {
        PublicKeyPemFile = Path.Combine(Path.GetTempPath(), $"astracking-test-{Guid.NewGuid():N}.pub.pem");
        File.WriteAllText(PublicKeyPemFile, _rsa.ExportSubjectPublicKeyInfoPem());
    }

    public string PublicKeyPemFile { get; }

    public string Mint(string tenantId, string objectId, string[]? roles = null, string? scope = "access_as_user",
        TimeSpan? lifetime = null, DateTime? notBefore = null, string? audience = null, bool otherKey = false, string? issuerTenant = null)
    {
        var now = notBefore ?? DateTime.UtcNow.AddMinutes(-1);
        var claims = new Dictionary<string, object>
        {
            ["tid"] = tenantId,
            ["oid"] = objectId,
            ["sub"] = objectId,
            ["ver"] = "2.0",
        };
        if (scope is not null) claims["scp"] = scope;
        if (roles is { Length: > 0 }) claims["roles"] = roles;
        var key = new RsaSecurityKey(otherKey ? _otherRsa : _rsa);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = $"https://login.microsoftonline.com/{issuerTenant ?? tenantId}/v2.0",
            Audience = audience ?? ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _otherRsa.Dispose();
        File.Delete(PublicKeyPemFile);
    }
}
