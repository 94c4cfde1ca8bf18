using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;

namespace AsTracking.Functions.Http.Infrastructure;

/// <summary>
/// Builds the OpenAPI 3.0 description from the HTTP functions themselves, so the published contract cannot
/// drift from the routes that are actually served.
/// </summary>
public static partial class OpenApiDocument
{
    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex RouteParameter();

    public static JsonObject Build(Assembly assembly)
    {
        var paths = new JsonObject();
        foreach (var (method, trigger) in HttpFunctions(assembly).OrderBy(f => f.Trigger.Route, StringComparer.Ordinal))
        {
            var path = "/api/" + trigger.Route;
            if (paths[path] is not JsonObject item)
            {
                item = new JsonObject();
                paths[path] = item;
            }
            var anonymous = method.GetCustomAttribute<AnonymousFunctionAttribute>() is not null;
            foreach (var verb in trigger.Methods ?? ["get"])
            {
                var operation = new JsonObject
                {
                    ["operationId"] = method.GetCustomAttribute<FunctionAttribute>()!.Name,
                    ["tags"] = new JsonArray(method.DeclaringType!.Name),
                    ["parameters"] = new JsonArray(RouteParameter().Matches(trigger.Route!).Select(m => (JsonNode)new JsonObject
                    {
                        ["name"] = m.Groups[1].Value,
                        ["in"] = "path",
                        ["required"] = true,
                        ["schema"] = new JsonObject { ["type"] = "string" },
                    }).ToArray()),
                    ["responses"] = Responses(anonymous),
                };
                if (anonymous) operation["security"] = new JsonArray();
                item[verb.ToLowerInvariant()] = operation;
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "AS Tracking API",
                ["version"] = "1",
                ["description"] = "AS Tracking back end. Staff calls need an Entra ID v2.0 bearer token; errors are RFC 9457 problem+json with a stable code.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
                ["schemas"] = new JsonObject
                {
                    ["Problem"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("type", "title", "status", "code"),
                        ["properties"] = new JsonObject
                        {
                            ["type"] = new JsonObject { ["type"] = "string" },
                            ["title"] = new JsonObject { ["type"] = "string" },
                            ["status"] = new JsonObject { ["type"] = "integer" },
                            ["detail"] = new JsonObject { ["type"] = "string" },
                            ["code"] = new JsonObject { ["type"] = "string" },
                            ["errors"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } },
                        },
                    },
                },
            },
        };
    }

    public static IEnumerable<(MethodInfo Method, HttpTriggerAttribute Trigger)> HttpFunctions(Assembly assembly) =>
        from type in assembly.GetExportedTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
        where method.GetCustomAttribute<FunctionAttribute>() is not null
        let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)
        where trigger is not null
        select (method, trigger);

    private static JsonObject Responses(bool anonymous)
    {
        var problem = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } };
        var responses = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = "Success" },
            ["400"] = new JsonObject { ["description"] = "validation-failed", ["content"] = problem.DeepClone() },
        };
        if (!anonymous)
        {
            responses["401"] = new JsonObject { ["description"] = "unauthenticated", ["content"] = problem.DeepClone() };
            responses["403"] = new JsonObject { ["description"] = "forbidden, training-required", ["content"] = problem.DeepClone() };
            responses["404"] = new JsonObject { ["description"] = "not-found (also for other schools' ids)", ["content"] = problem.DeepClone() };
        }
        return responses;
    }
}
