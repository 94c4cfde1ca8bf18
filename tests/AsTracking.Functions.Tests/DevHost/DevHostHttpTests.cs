using System.Net;
using System.Text;
using System.Text.Json;
using AsTracking.Testing;

namespace AsTracking.Functions.Tests.DevHost;

[Collection(DevHostAzuriteCollection.Name)]
public sealed class DevHostHttpTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private TestDevHost _host = null!;

    public DevHostHttpTests(AzuriteFixture azurite) => _azurite = azurite;

    public async Task InitializeAsync() => _host = await TestDevHost.StartAsync(_azurite);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Http_function_is_mapped_under_api_with_route_values_bound_by_name()
    {
        using var response = await _host.Client.GetAsync("api/devhost-test/schools/north-high/pupils/p-123/echo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("north-high", json.RootElement.GetProperty("schoolId").GetString());
        Assert.Equal("p-123", json.RootElement.GetProperty("pupilId").GetString());
        Assert.Equal("GET", json.RootElement.GetProperty("method").GetString());
        Assert.True(json.RootElement.GetProperty("cancellable").GetBoolean());
    }

    [Fact]
    public async Task Http_function_receives_the_request_body_for_each_of_its_verbs()
    {
        using var content = new StringContent("{\"hello\":\"world\"}", Encoding.UTF8, "application/json");
        using var response = await _host.Client.PostAsync("api/devhost-test/schools/s1/pupils/p1/echo", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("POST", json.RootElement.GetProperty("method").GetString());
        Assert.Equal("{\"hello\":\"world\"}", json.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Verb_the_function_does_not_declare_gets_405_and_unknown_route_gets_404()
    {
        using var put = await _host.Client.PutAsync("api/devhost-test/schools/s1/pupils/p1/echo", new StringContent(""));
        using var missing = await _host.Client.GetAsync("api/devhost-test/nowhere");
        using var withoutPrefix = await _host.Client.GetAsync("devhost-test/schools/s1/pupils/p1/echo");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withoutPrefix.StatusCode);
    }

    [Fact]
    public async Task Each_request_gets_a_fresh_DI_scope_that_is_also_its_RequestServices()
    {
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await _host.Client.GetAsync("api/devhost-test/schools/s1/pupils/p1/echo");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(json.RootElement.GetProperty("sameScopeAsRequestServices").GetBoolean());
            ids.Add(json.RootElement.GetProperty("scopeId").GetString()!);
        }

        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public async Task Static_function_returning_IResult_is_executed()
    {
        using var response = await _host.Client.DeleteAsync("api/devhost-test/things/t-9");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("deleted t-9", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unhandled_exception_becomes_500_problem_json_without_details_or_stack_trace()
    {
        using var response = await _host.Client.GetAsync("api/devhost-test/boom");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(500, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("internal-error", json.RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain(TestFunctions.FailingHttpFunction.Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }
}
