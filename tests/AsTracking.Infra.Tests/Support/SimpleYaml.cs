namespace AsTracking.Infra.Tests.Support;

/// <summary>
/// Reads the scalar fields of a simple block-style YAML file (such as azure.yaml) into dotted paths, for example
/// <c>services.api.host</c>. Enough to check the fields azd relies on without a YAML package; sequences and
/// flow style are not supported.
/// </summary>
internal static class SimpleYaml
{
    public static IReadOnlyDictionary<string, string> Read(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var stack = new List<(int Indent, string Key)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var content = line.TrimStart();
            if (content.Length == 0 || content.StartsWith('#') || content.StartsWith("- ", StringComparison.Ordinal))
            {
                continue;
            }
            var indent = line.Length - content.Length;
            var colon = content.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException("Unsupported YAML line: " + line);
            }
            var key = content[..colon].Trim();
            var value = StripComment(content[(colon + 1)..]).Trim().Trim('"', '\'');
            stack.RemoveAll(s => s.Indent >= indent);
            var path = string.Join('.', stack.Select(s => s.Key).Append(key));
            stack.Add((indent, key));
            values[path] = value;
        }
        return values;
    }

    private static string StripComment(string value)
    {
        var hash = value.IndexOf(" #", StringComparison.Ordinal);
        return hash >= 0 ? value[..hash] : value;
    }
}
