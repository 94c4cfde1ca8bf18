using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AsTracking.Functions.Hosting;

/// <summary>
/// Development-only acceptance of tokens signed by a local RSA key (AzureAd:DevSigningKeyPemFile) for the tenants
/// in AzureAd:DevTenantIds. Registered only when the environment is Development, so these settings are inert
/// anywhere else. The signing keys and issuers are static, so validation never reaches the network.
/// </summary>
public sealed class DevelopmentTokens(IConfiguration configuration) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme) return;
        var pemFile = configuration["AzureAd:DevSigningKeyPemFile"];
        if (string.IsNullOrWhiteSpace(pemFile)) return;
        var tenants = (configuration["AzureAd:DevTenantIds"] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tenants.Length == 0)
        {
            throw new InvalidOperationException("AzureAd__DevTenantIds must list at least one tenant when AzureAd__DevSigningKeyPemFile is set.");
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(pemFile));
        var key = new RsaSecurityKey(rsa) { KeyId = KeyId(rsa) };
        var issuers = tenants.Select(Issuer).ToArray();

        var metadata = new OpenIdConnectConfiguration { Issuer = issuers[0] };
        metadata.SigningKeys.Add(key);
        options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(metadata);
        options.Authority = null;
        options.MetadataAddress = null!;

        var tvp = options.TokenValidationParameters;
        tvp.ValidIssuers = issuers;
        tvp.IssuerValidator = null;
        tvp.IssuerSigningKeys = [key];
        tvp.ValidateIssuer = true;
        tvp.ValidateAudience = true;
        tvp.ValidateLifetime = true;
        tvp.ValidateIssuerSigningKey = true;
        tvp.RequireSignedTokens = true;
    }

    public static string Issuer(string tenantId) => $"https://login.microsoftonline.com/{tenantId}/v2.0";

    /// <summary>A stable key id derived from the public key, so tokens minted earlier keep validating.</summary>
    public static string KeyId(RSA rsa) =>
        Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
}
