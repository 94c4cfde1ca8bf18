using AsTracking.Functions.Http;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Tests.Support;
using AsTracking.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AsTracking.Functions.Tests.Http;

[Collection(AzuriteCollection.Name)]
public sealed class ServiceEndpointsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Health_is_200_when_storage_is_reachable()
    {
        using var tokens = new TestTokens();
        await using var host = new FunctionHost(azurite.ConnectionString, tokens);
        var response = await host.InvokeAsync<Health>((f, r) => f.Run(r, default), new HttpRequestSpec("GET", "/api/health"));
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Health_is_503_when_storage_is_unreachable()
    {
        using var tokens = new TestTokens();
        // A loopback port nothing listens on.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var dead = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        await using var host = new FunctionHost(dead, tokens);
        var response = await host.InvokeAsync<Health>((f, r) => f.Run(r, default), new HttpRequestSpec("GET", "/api/health"));
        Assert.Equal(503, response.Status);
        Assert.DoesNotContain("127.0.0.1", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_document_lists_every_http_function_route()
    {
        using var tokens = new TestTokens();
        await using var host = new FunctionHost(azurite.ConnectionString, tokens);
        var response = await host.InvokeAsync<OpenApi>((f, r) => f.Run(r), new HttpRequestSpec("GET", "/api/openapi.json"));
        Assert.Equal(200, response.Status);
        var paths = response.Json.GetProperty("paths");
        foreach (var (_, trigger) in OpenApiDocument.HttpFunctions(typeof(Health).Assembly))
        {
            var item = paths.GetProperty("/api/" + trigger.Route);
            Assert.All(trigger.Methods!, m => Assert.True(item.TryGetProperty(m.ToLowerInvariant(), out _), $"{m} /api/{trigger.Route}"));
        }
        Assert.True(paths.TryGetProperty("/api/schools/{schoolId}/roll", out _));
    }

    [Fact]
    public void Unexpected_failure_is_a_500_problem_without_details()
    {
        var result = ProblemMapper.ToResult(new InvalidOperationException("secret detail B801200005001"), NullLogger.Instance);
        Assert.Equal(500, result.StatusCode);
        Assert.Equal("application/problem+json", result.ContentType);
        var problem = Assert.IsType<Problem>(result.Value);
        Assert.Equal("internal", problem.Code);
        Assert.DoesNotContain("B801200005001", problem.Detail, StringComparison.Ordinal);
    }
}
