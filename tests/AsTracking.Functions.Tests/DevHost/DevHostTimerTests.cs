using System.Globalization;
using System.Net;
using AsTracking.Testing;

namespace AsTracking.Functions.Tests.DevHost;

[Collection(DevHostAzuriteCollection.Name)]
public sealed class DevHostTimerTests
{
    private readonly AzuriteFixture _azurite;

    public DevHostTimerTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Admin_endpoint_runs_a_timer_on_demand_and_returns_202()
    {
        await using var host = await TestDevHost.StartAsync(_azurite);

        using var response = await host.Client.PostAsync("admin/functions/DevHostTestNightly", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var entries = await host.Log.WaitForAsync("DevHostTestNightly", e => e.Count == 1);
        // TimerInfo.ScheduleStatus.Next is the next 02:00 UTC.
        var next = DateTime.Parse(entries[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(new TimeSpan(2, 0, 0), next.TimeOfDay);
        Assert.InRange(next - DateTime.UtcNow, TimeSpan.Zero, TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task Admin_endpoint_matches_names_case_insensitively_and_can_wait_for_completion()
    {
        await using var host = await TestDevHost.StartAsync(_azurite);

        using var response = await host.Client.PostAsync("admin/functions/devhosttestnightly?wait=true", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Log.Of("DevHostTestNightly"));
    }

    [Fact]
    public async Task Admin_endpoint_answers_404_for_an_unknown_function()
    {
        await using var host = await TestDevHost.StartAsync(_azurite);

        using var response = await host.Client.PostAsync("admin/functions/NoSuchFunction", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Timer_runs_on_its_cron_schedule_with_schedule_status()
    {
        await using var host = await TestDevHost.StartAsync(_azurite, schedule: "* * * * * *");

        var entries = await host.Log.WaitForAsync("DevHostTestConfiguredTimer", e => e.Count >= 2, TimeSpan.FromSeconds(10));

        // The second run's Last is the first run's scheduled time: a whole second.
        var last = DateTime.Parse(entries[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(0, last.Ticks % TimeSpan.TicksPerSecond);
        Assert.True(last > DateTime.UtcNow.AddSeconds(-10));
    }
}
