using System.Reflection;
using AsTracking.Functions.Http;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AsTracking.Functions.Tests.Http;

/// <summary>R4: every non-anonymous HTTP function authenticates through the shared step and denies by default.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuthenticationTests(AzuriteFixture azurite)
{
    private static readonly string[] Anonymous = ["Health", "OpenApi", "SubmitAssessment", "ClaimHandover"];

    public static IEnumerable<object[]> ProtectedFunctions() =>
        OpenApiDocument.HttpFunctions(typeof(Health).Assembly)
            .Where(f => f.Method.GetCustomAttribute<AnonymousFunctionAttribute>() is null)
            .Select(f => new object[] { f.Method.Name });

    [Fact]
    public void Only_the_contract_anonymous_functions_are_marked_anonymous_R4()
    {
        var anonymous = OpenApiDocument.HttpFunctions(typeof(Health).Assembly)
            .Where(f => f.Method.GetCustomAttribute<AnonymousFunctionAttribute>() is not null)
            .Select(f => f.Method.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()!.Name);
        Assert.All(anonymous, name => Assert.Contains(name, Anonymous));
        Assert.True(ProtectedFunctions().Count() >= 10);
    }

    [Theory]
    [MemberData(nameof(ProtectedFunctions))]
    public async Task Protected_function_answers_401_without_or_with_a_bad_token_R4(string methodName)
    {
        var (method, trigger) = OpenApiDocument.HttpFunctions(typeof(Health).Assembly).Single(f => f.Method.Name == methodName);
        var tokens = new TestTokens();
        await using var host = new FunctionHost(azurite.ConnectionString, tokens);
        var oid = Guid.NewGuid().ToString();
        var badTokens = new (string Why, string? Token)[]
        {
            ("none", null),
            ("garbage", "not-a-jwt"),
            ("expired", tokens.Mint(TestTokens.TenantA, oid, roles: ["Platform.Admin"], notBefore: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1))),
            ("wrong signature", tokens.Mint(TestTokens.TenantA, oid, roles: ["Platform.Admin"], otherKey: true)),
            ("wrong audience", tokens.Mint(TestTokens.TenantA, oid, roles: ["Platform.Admin"], audience: Guid.NewGuid().ToString())),
            ("unknown tenant issuer", tokens.Mint(Guid.NewGuid().ToString(), oid, roles: ["Platform.Admin"])),
            ("no scp or roles", tokens.Mint(TestTokens.TenantA, oid, scope: null)),
            ("another API's scope", tokens.Mint(TestTokens.TenantA, oid, scope: "other.scope")),
        };
        var routeValues = method.GetParameters().Where(p => p.ParameterType == typeof(string))
            .ToDictionary(p => p.Name!, p => p.Name == "schoolId" ? "school-x" : Guid.NewGuid().ToString());
        foreach (var (why, token) in badTokens)
        {
            var verb = trigger.Methods![0].ToUpperInvariant();
            var response = await host.InvokeAsync(method, new HttpRequestSpec(verb, "/api/" + trigger.Route, token, Json: verb is "GET" ? null : new { }), routeValues);
            Assert.True(response.Status == 401, $"{methodName} with {why} token answered {response}");
            Assert.Equal("unauthenticated", response.Code);
            Assert.Equal("Bearer", response.Headers["WWW-Authenticate"]);
        }
        tokens.Dispose();
    }

    [Fact]
    public async Task Development_signing_key_settings_are_ignored_outside_Development_R4()
    {
        using var tokens = new TestTokens();
        await using var host = new FunctionHost(azurite.ConnectionString, tokens, environment: "Production",
            extra: new Dictionary<string, string?> { ["KeyVault:Uri"] = "https://unit-test.vault.azure.net/" });
        var options = host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        Assert.IsNotType<StaticConfigurationManager<OpenIdConnectConfiguration>>(options.ConfigurationManager);
        Assert.True(options.TokenValidationParameters.IssuerSigningKeys is null || !options.TokenValidationParameters.IssuerSigningKeys.Any());

        // The dev issuers are not trusted either. (No request is sent: in Production the handler would fetch Entra's
        // published keys, and tests never leave this machine.)
        Assert.DoesNotContain(options.TokenValidationParameters.ValidIssuers ?? [], i => i.Contains(TestTokens.TenantA, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_signing_key_is_accepted_in_Development_R4()
    {
        using var tokens = new TestTokens();
        await using var host = new FunctionHost(azurite.ConnectionString, tokens);
        var token = tokens.Mint(TestTokens.TenantA, Guid.NewGuid().ToString());
        var response = await host.InvokeAsync<Staff>((f, r) => f.GetMe(r, default), new HttpRequestSpec("GET", "/api/me", token));
        Assert.Equal(200, response.Status);
        Assert.Equal(0, response.Json.GetProperty("schools").GetArrayLength());
    }
}
