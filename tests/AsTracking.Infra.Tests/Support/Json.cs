using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AsTracking.Infra.Tests.Support;

internal static partial class Json
{
    public static string Str(this JsonNode? node, string what) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) ? s : throw new Xunit.Sdk.XunitException($"{what} is not a string: {node?.ToJsonString() ?? "missing"}");

    public static bool Bool(this JsonNode? node, string what) =>
        node is JsonValue value && value.TryGetValue<bool>(out var b) ? b : throw new Xunit.Sdk.XunitException($"{what} is not a literal boolean: {node?.ToJsonString() ?? "missing"}");

    public static int Int(this JsonNode? node, string what) =>
        node is JsonValue value && value.TryGetValue<int>(out var i) ? i : throw new Xunit.Sdk.XunitException($"{what} is not a literal integer: {node?.ToJsonString() ?? "missing"}");

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A node as readable JSON text (quotes in ARM expressions left as they are), for substring checks.</summary>
    public static string Text(this JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(Readable),
    };

    /// <summary>The GUID literals in an ARM expression or value.</summary>
    public static IReadOnlyList<string> Guids(string text) =>
        GuidPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).ToList();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();
}
