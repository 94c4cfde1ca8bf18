using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;

namespace AsTracking.Functions.Tests.Http;

[Collection(AzuriteCollection.Name)]
public sealed class RollAndPupilsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task School_admin_uploads_a_roll_and_practitioner_lists_pupils_R2_R3()
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var practitioner = await s.StaffAsync("Practitioner");

        var upload = await s.UploadRollAsync(admin, Scenario.Csv(Scenario.Row(1), Scenario.Row(2, 9, "9B"), Scenario.Row(3, 10, "10C")));
        Assert.Equal(200, upload.Status);
        Assert.Equal(3, upload.Json.GetProperty("added").GetInt32());

        var list = await s.ListPupilsAsync(practitioner);
        Assert.Equal(200, list.Status);
        Assert.Equal(3, list.Json.GetArrayLength());
        Assert.All(list.Json.EnumerateArray(), p => Assert.Equal("on-roll", p.GetProperty("status").GetString()));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("")]
    public async Task Json_roll_upload_is_accepted_with_or_without_a_content_type(string contentType)
    {
        await using var s = await Scenario.CreateAsync(azurite);
        var admin = await s.StaffAsync("SchoolAdmin", trainingLevel: null);
        var json = $"[{{\"upn\":\"{Scenario.ValidUpn(1)}\",\"givenName\":\"Ada\",\"familyName\":\"Lovelace\",\"dateOfBirth\":\"{Scenario.DobForYear(8)}\",\"yearGroup\":8,\"tutorGroup\":\"8A\",\"house\":\"Red\"}}]";
        var response = await s.Host.InvokeAsync<AsTracking.Functions.Http.Roll>((f, r) => f.PutRoll(r, s.SchoolId, default),
            new HttpRequestSpec("PUT", "/", admin, RawBody: json, ContentType: contentType));
        Assert.Equal(200, response.Status);
        Assert.Equal(1, response.Json.GetProperty("added").GetInt32());
    }
}
