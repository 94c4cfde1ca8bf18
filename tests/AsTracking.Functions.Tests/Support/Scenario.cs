using AsTracking.Functions.Http;
using AsTracking.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AsTracking.Functions.Tests.Support;

/// <summary>Builds a school with staff through the real functions, so tests read as the contract does.</summary>
public sealed class Scenario : IAsyncDisposable
{
    public const string AdminOid = "0a000000-0000-4000-8000-000000000001";

    private Scenario(FunctionHost host, TestTokens tokens, string schoolId, AzuriteStorage storage)
    {
        Host = host;
        Tokens = tokens;
        SchoolId = schoolId;
        Storage = storage;
    }

    public FunctionHost Host { get; }
    public TestTokens Tokens { get; }
    public string SchoolId { get; }
    public string PlatformAdminToken => Tokens.Mint(TestTokens.TenantA, AdminOid, roles: ["Platform.Admin"]);

    /// <summary>What the app left in Azurite, read directly.</summary>
    public AzuriteStorage Storage { get; }

    /// <summary>
    /// This scenario's own client address for anonymous submissions, so failed-code counting (rate limiting, which
    /// is shared through Azurite) never spills from one test into another.
    /// </summary>
    public string ClientAddress { get; } = RandomAddress();

    public static async Task<Scenario> CreateAsync(AzuriteFixture azurite, string environment = "Development",
        Action<IServiceCollection>? configure = null)
    {
        var tokens = new TestTokens();
        // Tests may publish a new scoring model by switching this source (R10).
        var host = new FunctionHost(azurite.ConnectionString, tokens, environment, configure: services =>
        {
            services.AddSingleton<Core.UseCases.IScoringModels, Queues.SwitchableModels>();
            configure?.Invoke(services);
        });
        var scenario = new Scenario(host, tokens, AzuriteFixture.UniqueName("school-"), new AzuriteStorage(azurite.ConnectionString));
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

    /// <summary>Uploads the roll (replace mode) and returns the pupils' ids by given name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SeedRollAsync(string token, params string[] rows)
    {
        var upload = await UploadRollAsync(token, Csv(rows));
        Assert.True(upload.Status == 200, upload.ToString());
        var list = await ListPupilsAsync(token);
        return list.Json.EnumerateArray().ToDictionary(p => p.GetProperty("givenName").GetString()!, p => p.GetProperty("pupilId").GetString()!);
    }

    /// <summary>A trained Practitioner who is also the SchoolAdmin, and a roll of Year 8 pupils in 8A with these given names.</summary>
    public async Task<(string Staff, IReadOnlyDictionary<string, string> Pupils)> PractitionerWithRollAsync(params string[] givenNames)
    {
        var staff = await StaffAsync("SchoolAdmin,Practitioner");
        var pupils = await SeedRollAsync(staff, givenNames.Select((name, i) => Row(i + 1, given: name)).ToArray());
        return (staff, pupils);
    }

    public Task<ApiResponse> RecordConsentAsync(string token, string pupilId, string decision = "opt-out") =>
        Host.InvokeAsync<Consent>((f, r) => f.RecordConsent(r, SchoolId, pupilId, default),
            new HttpRequestSpec("POST", $"/api/schools/{SchoolId}/pupils/{pupilId}/consent", token,
                new { decision, requestedBy = "parent", receivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") }));

    public Task<ApiResponse> OpenSessionAsync(string token, object body, string? schoolId = null) =>
        Host.InvokeAsync<Sessions>((f, r) => f.OpenSession(r, schoolId ?? SchoolId, default),
            new HttpRequestSpec("POST", $"/api/schools/{schoolId ?? SchoolId}/sessions", token, body));

    /// <summary>A session request for these pupils, round 2026/27 round 1 unless stated, closing in an hour.</summary>
    public static object SessionFor(string[] pupilIds, int round = 1) =>
        new { academicYear = "2026/27", round, pupilIds, closesAt = DateTimeOffset.UtcNow.AddHours(1) };

    /// <summary>Opens a session for the pupils, expects every one to get a code, and returns the codes by pupil id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> IssueCodesAsync(string token, params string[] pupilIds)
    {
        var response = await OpenSessionAsync(token, SessionFor(pupilIds));
        Assert.True(response.Status == 201, response.ToString());
        var codes = response.Json.GetProperty("codes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("pupilId").GetString()!, c => c.GetProperty("code").GetString()!);
        Assert.Equal(pupilIds.Length, codes.Count);
        return codes;
    }

    public Task<ApiResponse> SubmitAsync(object body, string? clientAddress = null) => SubmitAsync(new HttpRequestSpec("POST", "/api/assessments", Json: body,
        Headers: new Dictionary<string, string> { ["X-Forwarded-For"] = clientAddress ?? ClientAddress }));

    public Task<ApiResponse> SubmitRawAsync(string body, string? clientAddress = null) => SubmitAsync(new HttpRequestSpec("POST", "/api/assessments", RawBody: body,
        Headers: new Dictionary<string, string> { ["X-Forwarded-For"] = clientAddress ?? ClientAddress }));

    private Task<ApiResponse> SubmitAsync(HttpRequestSpec spec) => Host.InvokeAsync<Assessments>((f, r) => f.SubmitAssessment(r, default), spec);

    /// <summary>The domain's worked example (R11).</summary>
    public static readonly int[] WorkedOut = [2, 5, 3, 4, 1, 6, 4, 3, 5, 2, 3, 4, 1, 5, 2, 3];
    public static readonly int[] WorkedIn = [3, 4, 4, 3, 3, 4, 4, 3, 4, 3, 3, 4, 3, 4, 4, 3];

    /// <summary>A valid submission body for the code; tests change or remove fields to make it bad.</summary>
    public static Dictionary<string, object?> Submission(string code) => new()
    {
        ["code"] = code,
        ["outOfSchool"] = WorkedOut,
        ["inSchool"] = WorkedIn,
        ["startedAt"] = "2026-12-04T09:00:00Z",
        ["completedAt"] = "2026-12-04T09:12:00Z",
        ["accommodations"] = new[] { "reader" },
    };

    private static string RandomAddress()
    {
        var b = Guid.NewGuid().ToByteArray();
        return $"10.{b[0]}.{b[1]}.{b[2]}";
    }

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
