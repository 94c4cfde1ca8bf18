using System.Text.Json;
using AsTracking.Functions.Tests.DevHost.TestFunctions;
using AsTracking.Testing;
using Azure.Storage.Queues;

namespace AsTracking.Functions.Tests.DevHost;

[Collection(DevHostAzuriteCollection.Name)]
public sealed class DevHostQueueTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private TestDevHost _host = null!;

    public DevHostQueueTests(AzuriteFixture azurite) => _azurite = azurite;

    public async Task InitializeAsync() => _host = await TestDevHost.StartAsync(_azurite);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<int> CountAsync(QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task Base64_json_message_is_deserialized_processed_once_and_deleted()
    {
        var id = Guid.NewGuid().ToString("N");
        await _host.WorkQueue.SendMessageAsync(JsonSerializer.Serialize(new { id, fail = false }));

        await _host.Log.WaitForAsync("DevHostTestWork", e => e.Contains(id));
        await TestDevHost.EventuallyAsync(async () => await CountAsync(_host.WorkQueue) == 0, "the message to be deleted");

        Assert.Single(_host.Log.Of("DevHostTestWork"), id);
    }

    [Fact]
    public async Task Message_that_always_fails_moves_to_the_poison_queue_after_exactly_five_attempts()
    {
        var id = Guid.NewGuid().ToString("N");
        var text = JsonSerializer.Serialize(new { id, fail = true });
        await _host.WorkQueue.SendMessageAsync(text);
        var poison = _host.Queue(_host.WorkQueue.Name + "-poison");

        await TestDevHost.EventuallyAsync(async () => await poison.ExistsAsync() && await CountAsync(poison) == 1, "a message in the poison queue");

        var poisoned = (await poison.ReceiveMessageAsync()).Value;
        Assert.Equal(text, poisoned.Body.ToString());
        Assert.Equal(5, _host.Log.Of("DevHostTestWork").Count(x => x == id));
        Assert.Equal(0, await CountAsync(_host.WorkQueue));
    }

    [Fact]
    public async Task QueueMessage_parameter_gets_the_decoded_body_and_dequeue_count_in_a_fresh_scope_per_message()
    {
        await _host.RawQueue.SendMessageAsync("first");
        await _host.RawQueue.SendMessageAsync("second");

        var entries = await _host.Log.WaitForAsync("DevHostTestRaw", e => e.Count == 2);

        var parsed = entries.Select(e => e.Split('|')).OrderBy(p => p[0], StringComparer.Ordinal).ToList();
        Assert.Equal(["first", "second"], parsed.Select(p => p[0]));
        Assert.All(parsed, p => Assert.Equal("1", p[1]));
        Assert.NotEqual(parsed[0][2], parsed[1][2]);
    }

    [Fact]
    public async Task String_parameter_gets_the_message_text()
    {
        await _host.TextQueue.SendMessageAsync("plain text, not JSON");

        var entries = await _host.Log.WaitForAsync("DevHostTestText", e => e.Count == 1);

        Assert.Equal("plain text, not JSON", entries[0]);
    }

    [Fact]
    public async Task Message_that_is_not_base64_moves_to_the_poison_queue_as_received_without_running_the_function()
    {
        var plain = new QueueClient(_host.Host.AzureWebJobsStorage, _host.TextQueue.Name); // no Base64 encoding
        await plain.SendMessageAsync("not base64 at all!");
        var poison = new QueueClient(_host.Host.AzureWebJobsStorage, _host.TextQueue.Name + "-poison");

        await TestDevHost.EventuallyAsync(async () => await poison.ExistsAsync() && await CountAsync(poison) == 1, "a message in the poison queue");

        Assert.Equal("not base64 at all!", (await poison.ReceiveMessageAsync()).Value.Body.ToString());
        Assert.Empty(_host.Log.Of("DevHostTestText"));
        Assert.Equal(0, await CountAsync(_host.TextQueue));
    }

    [Fact]
    public async Task Admin_endpoint_accepts_the_hosts_input_envelope_too()
    {
        var id = Guid.NewGuid().ToString("N");
        var envelope = JsonSerializer.Serialize(new { input = JsonSerializer.Serialize(new { id, fail = false }) });

        using var response = await _host.Client.PostAsync("admin/functions/DevHostTestWork?wait=true", new StringContent(envelope));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(id, _host.Log.Of("DevHostTestWork"));
    }

    [Fact]
    public async Task Invoking_a_failing_queue_function_directly_surfaces_its_exception()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _host.Host.InvokeAsync("DevHostTestWork", JsonSerializer.Serialize(new { id = "direct", fail = true })));

        Assert.Contains("Failure requested", ex.Message, StringComparison.Ordinal);
        using var response = await _host.Client.PostAsync("admin/functions/DevHostTestWork?wait=true",
            new StringContent(JsonSerializer.Serialize(new { id = "viaHttp", fail = true })));
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task Admin_endpoint_runs_a_queue_function_with_the_body_as_the_message()
    {
        var id = Guid.NewGuid().ToString("N");
        using var content = new StringContent(JsonSerializer.Serialize(new { id, fail = false }));

        using var response = await _host.Client.PostAsync("admin/functions/DevHostTestWork", content);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await _host.Log.WaitForAsync("DevHostTestWork", e => e.Contains(id));
    }
}
