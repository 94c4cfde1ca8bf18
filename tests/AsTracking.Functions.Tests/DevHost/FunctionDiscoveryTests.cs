using AsTracking.DevHost.Discovery;
using AsTracking.Functions.Tests.DevHost.TestFunctions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Tests.DevHost;

public sealed class FunctionDiscoveryTests
{
    [Fact]
    public void Function_app_assembly_is_the_default_and_its_health_function_is_an_anonymous_GET_route()
    {
        var functions = FunctionDiscovery.Discover([FunctionDiscovery.FunctionAppAssembly]);

        var health = Assert.Single(functions, f => f.Name == "Health");
        Assert.Equal(TriggerKind.Http, health.Kind);
        Assert.Equal("health", health.Route);
        Assert.Equal(["GET"], health.HttpMethods);
    }

    [Fact]
    public void Test_functions_are_classified_by_their_trigger_attribute()
    {
        var functions = FunctionDiscovery.Discover([typeof(EchoFunction).Assembly], t => t.Namespace == typeof(EchoFunction).Namespace)
            .ToDictionary(f => f.Name);

        Assert.Equal(TriggerKind.Http, functions["DevHostTestEcho"].Kind);
        Assert.Equal("devhost-test/schools/{schoolId}/pupils/{pupilId}/echo", functions["DevHostTestEcho"].Route);
        Assert.Equal(["GET", "POST"], functions["DevHostTestEcho"].HttpMethods);
        Assert.Equal(TriggerKind.Queue, functions["DevHostTestWork"].Kind);
        Assert.Equal("%DevHostTest:WorkQueue%", functions["DevHostTestWork"].QueueName);
        Assert.Equal(TriggerKind.Timer, functions["DevHostTestNightly"].Kind);
        Assert.Equal("0 0 2 * * *", functions["DevHostTestNightly"].Schedule);
        Assert.True(functions["DevHostTestStatus"].Method.IsStatic);
    }

    [Fact]
    public void Non_public_types_of_a_scanned_assembly_are_ignored()
    {
        var functions = FunctionDiscovery.Discover([typeof(FunctionDiscoveryTests).Assembly], t => t.Namespace == typeof(FunctionDiscoveryTests).Namespace);

        Assert.DoesNotContain(functions, f => f.Name.StartsWith("Bad", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(typeof(UnsupportedParameter), "Function 'BadParameter'", "parameter 'count' of type System.Int32 is not supported")]
    [InlineData(typeof(StringWithoutRouteValue), "Function 'BadRouteValue'", "string parameter 'schoolid' has no route value")]
    [InlineData(typeof(HttpTriggerOnWrongType), "Function 'BadHttpTrigger'", "binds only HttpRequest")]
    [InlineData(typeof(QueueTriggerWithExtraParameter), "Function 'BadQueueExtra'", "parameter 'request' of type Microsoft.AspNetCore.Http.HttpRequest is not supported")]
    [InlineData(typeof(TimerTriggerOnString), "Function 'BadTimer'", "binds TimerInfo")]
    [InlineData(typeof(OutputBinding), "Function 'BadOutput'", "output binding QueueOutputAttribute")]
    [InlineData(typeof(NoTrigger), "Function 'BadNoTrigger'", "exactly one trigger")]
    [InlineData(typeof(DuplicateName), "Function name 'BadTwice' is used by more than one method", "")]
    public void Function_the_DevHost_cannot_bind_fails_discovery_with_a_message_naming_it(Type type, string who, string what)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => FunctionDiscovery.Discover([type]));

        Assert.Contains("The DevHost cannot host these functions", ex.Message, StringComparison.Ordinal);
        Assert.Contains(who, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    // Deliberately broken functions: private, so scanning the test assembly never picks them up.
    private sealed class UnsupportedParameter
    {
        [Function("BadParameter")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bad")] HttpRequest req, int count) => new OkResult();
    }

    private sealed class StringWithoutRouteValue
    {
        [Function("BadRouteValue")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bad/{pupilId}")] HttpRequest req, string schoolid) => new OkResult();
    }

    private sealed class HttpTriggerOnWrongType
    {
        [Function("BadHttpTrigger")]
        public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bad")] string req) => new OkResult();
    }

    private sealed class QueueTriggerWithExtraParameter
    {
        [Function("BadQueueExtra")]
        public void Run([QueueTrigger("q")] string message, HttpRequest request)
        {
        }
    }

    private sealed class TimerTriggerOnString
    {
        [Function("BadTimer")]
        public void Run([TimerTrigger("0 0 2 * * *")] string timer)
        {
        }
    }

    private sealed class OutputBinding
    {
        [Function("BadOutput")]
        [QueueOutput("out")]
        public string Run([QueueTrigger("q")] string message) => message;
    }

    private sealed class NoTrigger
    {
        [Function("BadNoTrigger")]
        public void Run(string message)
        {
        }
    }

    private sealed class DuplicateName
    {
        [Function("BadTwice")]
        public void One([QueueTrigger("q1")] string message)
        {
        }

        [Function("BadTwice")]
        public void Two([QueueTrigger("q2")] string message)
        {
        }
    }
}
