using System.Text.Json;

namespace AsTracking.DevHost.Hosting;

/// <summary>
/// Reads the settings the DevHost honours from the repository's host.json: <c>extensions.queues.*</c> become
/// <c>DevHost:Queues:*</c> and <c>extensions.http.routePrefix</c> becomes <c>DevHost:Http:RoutePrefix</c>.
/// </summary>
internal static class HostJson
{
    public const string RoutePrefixKey = "DevHost:Http:RoutePrefix";

    public static IReadOnlyDictionary<string, string?> Read(string? path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (path is null || !File.Exists(path)) return values;

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        if (!document.RootElement.TryGetProperty("extensions", out var extensions) || extensions.ValueKind != JsonValueKind.Object)
        {
            return values;
        }
        if (extensions.TryGetProperty("queues", out var queues) && queues.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in queues.EnumerateObject())
            {
                var text = Scalar(property.Value);
                if (text is not null) values[$"{Queues.QueueRuntimeOptions.SectionName}:{property.Name}"] = text;
            }
        }
        if (extensions.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object
            && http.TryGetProperty("routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String)
        {
            values[RoutePrefixKey] = prefix.GetString();
        }
        return values;
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => bool.TrueString,
        JsonValueKind.False => bool.FalseString,
        _ => null,
    };

    /// <summary>The repository's host.json, else the one copied next to the binaries.</summary>
    public static string? Locate(string? repositoryRoot)
    {
        foreach (var candidate in new[] { repositoryRoot, AppContext.BaseDirectory })
        {
            if (candidate is null) continue;
            var path = Path.Combine(candidate, "host.json");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
