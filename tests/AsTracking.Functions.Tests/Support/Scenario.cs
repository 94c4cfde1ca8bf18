using AsTracking.Functions.Http;
using AsTracking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AsTracking.Functions.Tests.Support;

/// <summary>Builds a school with staff through the real functions, so tests read as the contract does.</summary>
public sealed class Scenario : IAsyncDisposable
{
    public const string AdminOid = "0a000000-0000-4000-8000-000000000001";

    private Scenario(FunctionHost host, TestTokens tokens, string schoolId)
    {
        Host = host;
        Tokens = tokens;
        SchoolId = schoolId;
    }

    public FunctionHost Host { get; }
    public TestTokens Tokens { get; }
    public string SchoolId { get; }
    public string PlatformAdminToken => Tokens.Mint(TestTokens.TenantA, AdminOid, roles: ["Platform.Admin"]);

    public static async Task<Scenario> CreateAsync(AzuriteFixture azurite, string environment = "Development")
    {
        var tokens = new TestTokens();
        // Tests may publish a new scoring model by switching this source (R10).
        var host = new FunctionHost(azurite.ConnectionString, tokens, environment,
            configure: services => services.AddSingleton<Core.UseCases.IScoringModels, Queues.SwitchableModels>());
        var scenario = new Scenario(host, tokens, AzuriteFixture.UniqueName("school-"));
        var created = await scenario.PutSchoolAsync(scenario.SchoolId);
        Assert.Equal(201, created.Status);
        return scenario;
    }

    public Task<ApiResponse> PutSchoolAsync(string schoolId, string status = "active", string? token = null) =>
        Host.InvokeAsync<Schools>((f, r) => f.PutSchool(r, schoolId, default), new HttpRequestSpec("PUT", $"/api/schools/{schoolId}",
            token ?? PlatformAdminToken, new
            {
                name = "Test School",
                dfeNumber = "123/4567",
                codeOfConductSignedOn = "2026-09-01",
                codeOfConductSignedBy = "Head Teacher",
                status,
                accreditation = new { status = "accredited", areas = new[] { "safeguarding", "assessment", "pastoral", "data" } },
            }));

    /// <summary>Registers a staff member and returns a token for them.</summary>
    public async Task<string> StaffAsync(string roles, string? trainingLevel = "practitioner", string? completedOn = null,
        string[]? tutorGroups = null, string tenant = TestTokens.TenantA, string? schoolId = null)
    {
        var oid = Guid.NewGuid().ToString();
        var training = trainingLevel is null
            ? Array.Empty<object>()
            : [new { level = trainingLevel, completedOn = completedOn ?? DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM-dd") }];
        var response = await Host.InvokeAsync<Staff>((f, r) => f.PutStaff(r, schoolId ?? SchoolId, oid, default),
            new HttpRequestSpec("PUT", $"/api/schools/{schoolId ?? SchoolId}/staff/{oid}", PlatformAdminToken, new
            {
                tenantId = tenant,
                displayName = "Staff Member",
                roles = roles.Split(',', StringSplitOptions.RemoveEmptyEntries),
                training,
                tutorGroups = tutorGroups ?? [],
            }));
        Assert.True(response.Status is 200 or 201, response.ToString());
        return Tokens.Mint(tenant, oid);
    }

    public Task<ApiResponse> UploadRollAsync(string token, string csv, string? mode = null, string? schoolId = null) =>
        Host.InvokeAsync<Roll>((f, r) => f.PutRoll(r, schoolId ?? SchoolId, default),
            new HttpRequestSpec("PUT", $"/api/schools/{schoolId ?? SchoolId}/roll", token, RawBody: csv, ContentType: "text/csv",
                Query: mode is null ? null : $"mode={mode}"));

    public Task<ApiResponse> ListPupilsAsync(string token, string? query = null, string? schoolId = null) =>
        Host.InvokeAsync<Roll>((f, r) => f.ListPupils(r, schoolId ?? SchoolId, default),
            new HttpRequestSpec("GET", $"/api/schools/{schoolId ?? SchoolId}/pupils", token, Query: query));

    public const string RollHeader = "upn,givenName,familyName,dateOfBirth,yearGroup,tutorGroup,house";

    /// <summary>Valid UPNs: a fixed LA/establishment body with a serial, and the computed check letter.</summary>
    public static string ValidUpn(int serial)
    {
        var body = $"80120000{serial:D4}".PadRight(12, '0')[..12];
        return Core.Roll.Upn.CheckLetter(body) + body;
    }

    public static string Csv(params string[] rows) => RollHeader + "\n" + string.Join("\n", rows) + "\n";

    public static string Row(int serial, int yearGroup = 8, string tutorGroup = "8A", string given = "Alex", string family = "Smith", string? dob = null) =>
        $"{ValidUpn(serial)},{given},{family},{dob ?? DobForYear(yearGroup)},{yearGroup},{tutorGroup},Red";

    /// <summary>A date of birth that fits the year group (age = year group + 5 at the start of the year).</summary>
    public static string DobForYear(int yearGroup) => DateTime.UtcNow.AddYears(-(yearGroup + 5)).AddMonths(-3).ToString("yyyy-MM-dd");

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Tokens.Dispose();
    }
}
