using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AsTracking.DevHost.Identity;

/// <summary>What goes into a development access token. Defaults give a valid staff token for tenant A.</summary>
public sealed record DevTokenRequest(Guid ObjectId)
{
    public Guid TenantId { get; init; } = DevDefaults.TenantA;
    /// <summary>App roles, e.g. <c>Platform.Admin</c>; emitted as the <c>roles</c> array when not empty.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>Delegated scopes (space separated) for <c>scp</c>; null or empty leaves <c>scp</c> out.</summary>
    public string? Scope { get; init; } = DevDefaults.Scope;
    public string? Name { get; init; }
    /// <summary>The v2.0 audience is the bare client id.</summary>
    public string Audience { get; init; } = DevDefaults.ClientId;
    /// <summary>Defaults to <see cref="DevDefaults.Issuer"/> for <see cref="TenantId"/>.</summary>
    public string? Issuer { get; init; }
    /// <summary>Defaults to now. Set it in the past (with a short <see cref="Lifetime"/>) for an expired token.</summary>
    public DateTimeOffset? IssuedAt { get; init; }
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(60);
    /// <summary>Extra or overriding claims (e.g. a wrong <c>ver</c>).</summary>
    public IReadOnlyDictionary<string, object>? AdditionalClaims { get; init; }
}

/// <summary>
/// Mints RS256 Entra-ID-v2.0-shaped access tokens signed with the development key, for the <c>token</c>
/// command and for tests (including deliberately bad tokens: another key, audience, issuer or an expired one).
/// </summary>
public sealed class DevTokenMinter : IDisposable
{
    private readonly RSA _key;
    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Uses a copy of <paramref name="privateKey"/>; the caller keeps ownership of its key.</summary>
    public DevTokenMinter(RSA privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        _key = RSA.Create();
        _key.ImportParameters(privateKey.ExportParameters(includePrivateParameters: true));
        KeyId = DevSigningKeys.KeyId(_key);
        var securityKey = new RsaSecurityKey(_key) { KeyId = KeyId };
        _credentials = new SigningCredentials(securityKey, SecurityAlgorithms.RsaSha256)
        {
            // Providers cache per key id; a cached provider must never outlive this instance's RSA object.
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };
    }

    /// <summary>The <c>kid</c> header: the RFC 7638 thumbprint of the public key.</summary>
    public string KeyId { get; }

    /// <summary>The public key (SubjectPublicKeyInfo PEM) that verifies this minter's tokens.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The repository's development key (<c>.devhost/dev-signing-key.pem</c>), created if missing.</summary>
    public static DevTokenMinter ForRepository(string? repositoryRoot = null)
    {
        var files = DevSigningKeys.EnsureCreated(repositoryRoot ?? DevDefaults.FindRepositoryRoot());
        return FromPrivateKeyPem(files.PrivateKeyPemFile);
    }

    public static DevTokenMinter FromPrivateKeyPem(string privateKeyPemFile)
    {
        using var rsa = DevSigningKeys.LoadPrivateKey(privateKeyPemFile);
        return new DevTokenMinter(rsa);
    }

    /// <summary>A fresh key nobody trusts: its tokens must be rejected.</summary>
    public static DevTokenMinter WithEphemeralKey()
    {
        using var rsa = RSA.Create(DevSigningKeys.KeySizeBits);
        return new DevTokenMinter(rsa);
    }

    /// <summary>A valid staff token for <paramref name="objectId"/> with the default scope and optional app roles.</summary>
    public string Mint(Guid objectId, Guid? tenantId = null, params string[] roles) =>
        Mint(new DevTokenRequest(objectId) { TenantId = tenantId ?? DevDefaults.TenantA, Roles = roles });

    public string Mint(DevTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var issuedAt = (request.IssuedAt ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["tid"] = request.TenantId.ToString("D"),
            ["oid"] = request.ObjectId.ToString("D"),
            ["sub"] = request.ObjectId.ToString("D"),
            ["ver"] = "2.0",
        };
        if (!string.IsNullOrWhiteSpace(request.Scope)) claims["scp"] = request.Scope;
        if (request.Roles.Count > 0) claims["roles"] = request.Roles.ToArray();
        if (!string.IsNullOrEmpty(request.Name)) claims["name"] = request.Name;
        if (request.AdditionalClaims is not null)
        {
            foreach (var (type, value) in request.AdditionalClaims) claims[type] = value;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = request.Issuer ?? DevDefaults.Issuer(request.TenantId),
            Audience = request.Audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + request.Lifetime,
            Claims = claims,
            SigningCredentials = _credentials,
        };
        return _handler.CreateToken(descriptor);
    }

    public void Dispose() => _key.Dispose();
}
