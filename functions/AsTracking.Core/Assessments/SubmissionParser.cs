using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;
using AsTracking.Core.Scoring;

namespace AsTracking.Core.Assessments;

public sealed record SubmissionInput(string Code, int[] OutOfSchool, int[] InSchool, DateTimeOffset StartedAt, DateTimeOffset CompletedAt,
    IReadOnlyList<string> Accommodations)
{
    /// <summary>
    /// A hash of what the pupil answered, independent of JSON formatting, so an identical retry is recognised (R8).
    /// </summary>
    public string PayloadHash()
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', OutOfSchool)).Append('|').Append(string.Join(',', InSchool)).Append('|')
            .Append(StartedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('|')
            .Append(CompletedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('|')
            .Append(string.Join(',', Accommodations.Order(StringComparer.Ordinal)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>Reads and validates POST /api/assessments (R8) before anything is looked up or written.</summary>
public static class SubmissionParser
{
    public static readonly IReadOnlySet<string> KnownAccommodations = new HashSet<string>(StringComparer.Ordinal) { "reader", "extra-time", "scribe", "translated" };

    public static SubmissionInput Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw ValidationFailedException.For("body", "The body is not valid JSON.");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw ValidationFailedException.For("body", "The body must be a JSON object.");
            var v = new Validation();
            var code = Property(root, "code") is { ValueKind: JsonValueKind.String } c ? c.GetString() : null;
            if (string.IsNullOrEmpty(code)) v.Add("code", "code is required.");
            int[]? outOfSchool = null, inSchool = null;
            try
            {
                (outOfSchool, inSchool) = AnswerValidator.Read(Property(root, "outOfSchool"), Property(root, "inSchool"));
            }
            catch (ValidationFailedException ex)
            {
                foreach (var (field, messages) in ex.Errors) foreach (var m in messages) v.Add(field, m);
            }
            var started = Timestamp(root, "startedAt", v);
            var completed = Timestamp(root, "completedAt", v);
            if (started is { } s && completed is { } e && e <= s) v.Add("completedAt", "completedAt must be after startedAt.");
            var accommodations = new List<string>();
            if (Property(root, "accommodations") is { } acc && acc.ValueKind != JsonValueKind.Null)
            {
                if (acc.ValueKind != JsonValueKind.Array) v.Add("accommodations", "accommodations must be an array.");
                else
                {
                    int i = 0;
                    foreach (var a in acc.EnumerateArray())
                    {
                        if (a.ValueKind == JsonValueKind.String && KnownAccommodations.Contains(a.GetString()!))
                        {
                            if (!accommodations.Contains(a.GetString()!)) accommodations.Add(a.GetString()!);
                        }
                        else v.Add($"accommodations[{i}]", "Known accommodations are reader, extra-time, scribe and translated.");
                        i++;
                    }
                }
            }
            v.ThrowIfInvalid();
            return new SubmissionInput(code!, outOfSchool!, inSchool!, started!.Value, completed!.Value, accommodations);
        }
    }

    private static JsonElement? Property(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value : null;

    private static DateTimeOffset? Timestamp(JsonElement root, string name, Validation v)
    {
        if (Property(root, name) is not { ValueKind: JsonValueKind.String } value)
        {
            v.Add(name, $"{name} is required as an ISO 8601 timestamp.");
            return null;
        }
        if (DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            && value.GetString()!.Contains('T', StringComparison.Ordinal))
        {
            return t;
        }
        v.Add(name, $"{name} must be an ISO 8601 timestamp.");
        return null;
    }
}
