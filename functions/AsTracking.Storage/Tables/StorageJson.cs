using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsTracking.Storage.Tables;

internal static class StorageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
