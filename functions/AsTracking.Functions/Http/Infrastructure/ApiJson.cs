using System.Text.Json;
using System.Text.Json.Serialization;
using AsTracking.Core.Contracts;

namespace AsTracking.Functions.Http.Infrastructure;

/// <summary>The contract's JSON: camelCase, enums as kebab-case strings (roles keep their PascalCase names).</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 16,
            // Responses are always served as application/json with nosniff, so HTML-sensitive characters need no escaping.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        // Order matters: the first converter that can convert a type wins.
        options.Converters.Add(new JsonStringEnumConverter<StaffRoleName>(namingPolicy: null, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
