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
}
