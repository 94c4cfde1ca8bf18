using System.Security.Cryptography;
using System.Text.Json;
using AsTracking.DevHost;
using AsTracking.DevHost.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AsTracking.Functions.Tests.DevHost;

public sealed class DevTokenMinterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "devhost-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static async Task<TokenValidationResult> ValidateAsync(string token, string publicKeyPem, Guid tenant)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = DevDefaults.Issuer(tenant),
            ValidAudience = DevDefaults.ClientId,
            // Deliberately no KeyId, as a validator configured from the PEM file alone would have.
            IssuerSigningKey = new RsaSecurityKey(rsa),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });
    }

    [Fact]
    public async Task Minted_token_verifies_with_the_public_pem_and_carries_the_Entra_v2_claims()
    {
        var files = DevSigningKeys.EnsureCreated(_root);
        using var minter = DevTokenMinter.FromPrivateKeyPem(files.PrivateKeyPemFile);
        var oid = Guid.NewGuid();

        var token = minter.Mint(new DevTokenRequest(oid)
        {
            TenantId = DevDefaults.TenantB,
            Roles = ["Platform.Admin", "Other.Role"],
            Name = "Dev Admin",
        });
        var result = await ValidateAsync(token, File.ReadAllText(files.PublicKeyPemFile), DevDefaults.TenantB);

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = new JsonWebToken(token);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(minter.KeyId, jwt.Kid);
        Assert.Equal($"https://login.microsoftonline.com/{DevDefaults.TenantB}/v2.0", jwt.Issuer);
        Assert.Equal([DevDefaults.ClientId], jwt.Audiences);
        Assert.Equal(DevDefaults.TenantB.ToString(), jwt.GetClaim("tid").Value);
        Assert.Equal(oid.ToString(), jwt.GetClaim("oid").Value);
        Assert.Equal(oid.ToString(), jwt.Subject);
        Assert.Equal("2.0", jwt.GetClaim("ver").Value);
        Assert.Equal("access_as_user", jwt.GetClaim("scp").Value);
        Assert.Equal("Dev Admin", jwt.GetClaim("name").Value);
        Assert.InRange(jwt.ValidTo - jwt.ValidFrom, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Equal(jwt.IssuedAt, jwt.ValidFrom);

        // roles is a JSON array, even with one role.
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        Assert.Equal(JsonValueKind.Array, payload.RootElement.GetProperty("roles").ValueKind);
        Assert.Equal(["Platform.Admin", "Other.Role"], payload.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void Token_without_roles_or_scope_leaves_those_claims_out()
    {
        using var minter = DevTokenMinter.WithEphemeralKey();

        var jwt = new JsonWebToken(minter.Mint(new DevTokenRequest(Guid.NewGuid()) { Scope = null }));

        Assert.False(jwt.TryGetClaim("roles", out _));
        Assert.False(jwt.TryGetClaim("scp", out _));
        Assert.False(jwt.TryGetClaim("name", out _));
    }

    [Fact]
    public async Task Bad_tokens_fail_validation_other_key_other_audience_expired_other_tenant_issuer()
    {
        var files = DevSigningKeys.EnsureCreated(_root);
        var publicPem = File.ReadAllText(files.PublicKeyPemFile);
        using var good = DevTokenMinter.FromPrivateKeyPem(files.PrivateKeyPemFile);
        using var stranger = DevTokenMinter.WithEphemeralKey();
        var oid = Guid.NewGuid();

        var otherKey = await ValidateAsync(stranger.Mint(oid), publicPem, DevDefaults.TenantA);
        var otherAudience = await ValidateAsync(good.Mint(new DevTokenRequest(oid) { Audience = "api://someone-else" }), publicPem, DevDefaults.TenantA);
        var expired = await ValidateAsync(good.Mint(new DevTokenRequest(oid)
        {
            IssuedAt = DateTimeOffset.UtcNow.AddHours(-2),
            Lifetime = TimeSpan.FromMinutes(30),
        }), publicPem, DevDefaults.TenantA);
        var wrongIssuer = await ValidateAsync(good.Mint(new DevTokenRequest(oid) { TenantId = DevDefaults.TenantB }), publicPem, DevDefaults.TenantA);
        var fine = await ValidateAsync(good.Mint(oid), publicPem, DevDefaults.TenantA);

        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(otherKey.Exception);
        Assert.IsType<SecurityTokenInvalidAudienceException>(otherAudience.Exception);
        Assert.IsType<SecurityTokenExpiredException>(expired.Exception);
        Assert.IsType<SecurityTokenInvalidIssuerException>(wrongIssuer.Exception);
        Assert.True(fine.IsValid);
    }

    [Fact]
    public void Key_pair_is_created_once_as_owner_only_PKCS8_and_SubjectPublicKeyInfo_PEM()
    {
        var first = DevSigningKeys.EnsureCreated(_root);
        var privatePem = File.ReadAllText(first.PrivateKeyPemFile);

        var second = DevSigningKeys.EnsureCreated(_root);

        Assert.Equal(Path.Combine(_root, ".devhost", "dev-signing-key.pem"), first.PrivateKeyPemFile);
        Assert.Equal(Path.Combine(_root, ".devhost", "dev-signing-key.pub.pem"), first.PublicKeyPemFile);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", privatePem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(first.PublicKeyPemFile), StringComparison.Ordinal);
        Assert.Equal(privatePem, File.ReadAllText(second.PrivateKeyPemFile));
        using var key = DevSigningKeys.LoadPrivateKey(first.PrivateKeyPemFile);
        Assert.Equal(2048, key.KeySize);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.PrivateKeyPemFile));
        }
    }

    [Fact]
    public void Concurrent_first_runs_agree_on_one_key_pair()
    {
        var pems = new string[8];

        Parallel.For(0, pems.Length, i =>
        {
            var files = DevSigningKeys.EnsureCreated(_root);
            using var minter = DevTokenMinter.FromPrivateKeyPem(files.PrivateKeyPemFile);
            pems[i] = minter.PublicKeyPem;
        });

        Assert.Single(pems.Distinct());
        Assert.Equal(pems[0].Trim(), File.ReadAllText(DevDefaults.PublicKeyPath(_root)).Trim());
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".devhost"), "*.tmp"));
    }

    [Fact]
    public void Token_command_prints_only_a_verifiable_jwt_with_the_requested_claims()
    {
        var oid = Guid.NewGuid();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = TokenCommand.Run(
            ["--oid", oid.ToString(), "--tenant", DevDefaults.TenantB.ToString(), "--role", "Platform.Admin", "--role", "X", "--scope", "access_as_user", "--minutes", "5", "--name", "Ada Admin"],
            stdout, stderr, _root);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var jwt = new JsonWebToken(Assert.Single(lines).Trim());
        Assert.Equal(oid.ToString(), jwt.GetClaim("oid").Value);
        Assert.Equal(DevDefaults.TenantB.ToString(), jwt.GetClaim("tid").Value);
        Assert.Equal("Ada Admin", jwt.GetClaim("name").Value);
        Assert.Equal(["Platform.Admin", "X"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.InRange(jwt.ValidTo - jwt.ValidFrom, TimeSpan.FromMinutes(4.9), TimeSpan.FromMinutes(5.1));
        Assert.True(File.Exists(DevDefaults.PublicKeyPath(_root)));
    }

    [Theory]
    [InlineData(new string[0], "--oid is required")]
    [InlineData(new[] { "--oid", "not-a-guid" }, "GUID")]
    [InlineData(new[] { "--oid", "11111111-1111-1111-1111-111111111111", "--minutes", "0" }, "--minutes")]
    [InlineData(new[] { "--oid", "11111111-1111-1111-1111-111111111111", "--bogus" }, "Unknown option")]
    [InlineData(new[] { "--oid" }, "needs a value")]
    public void Token_command_rejects_bad_arguments_with_usage_on_stderr_and_exit_code_2(string[] args, string expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = TokenCommand.Run(args, stdout, stderr, _root);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout.ToString());
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage:", stderr.ToString(), StringComparison.Ordinal);
    }
}
