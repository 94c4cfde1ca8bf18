using System.Text;
using System.Text.Json;
using AsTracking.Core.Errors;

namespace AsTracking.Core.Roll;

/// <summary>
/// Parses roll uploads (CSV or a JSON array) into raw rows. Structural problems (header, column count, BOM,
/// malformed JSON) fail the whole upload; field problems are left to <see cref="RollRowValidator"/> per row.
/// </summary>
public static class RollParser
{
    public const int MaxBytes = 5 * 1024 * 1024;
    public const int MaxRows = 5000;

    public static readonly string[] Columns = ["upn", "givenName", "familyName", "dateOfBirth", "yearGroup", "tutorGroup", "house"];

    public static IReadOnlyList<RawRollRow> ParseCsv(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBytes) throw new PayloadTooLargeException($"Roll uploads are limited to {MaxBytes} bytes.");
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            throw ValidationFailedException.For("body", "The CSV starts with a byte-order mark; save it as UTF-8 without BOM.");
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw ValidationFailedException.For("body", "The CSV is not valid UTF-8.");
        }

        var records = CsvReader.Read(text);
        if (records.Count == 0) throw ValidationFailedException.For("body", "The CSV is empty; the header is required.");
        var header = records[0];
        if (header.Count != Columns.Length || !header.Select(h => h.Trim()).SequenceEqual(Columns, StringComparer.Ordinal))
        {
            throw ValidationFailedException.For("header", $"The header must be exactly: {string.Join(',', Columns)}.");
        }
        if (records.Count - 1 > MaxRows) throw new PayloadTooLargeException($"Roll uploads are limited to {MaxRows} rows.");

        var rows = new List<RawRollRow>(records.Count - 1);
        var badRows = new List<int>();
        for (int i = 1; i < records.Count; i++)
        {
            var r = records[i];
            if (r.Count != Columns.Length)
            {
                badRows.Add(i);
                continue;
            }
            rows.Add(new RawRollRow(i, r[0], r[1], r[2], r[3], r[4], Empty(r[5]), Empty(r[6])));
        }
        if (badRows.Count > 0)
        {
            throw new ValidationFailedException(
                badRows.Take(20).ToDictionary(r => $"rows[{r}]", _ => new[] { $"Each row must have {Columns.Length} columns." }),
                "Some rows have the wrong number of columns; nothing was applied.");
        }
        return rows;
    }

    public static IReadOnlyList<RawRollRow> ParseJson(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBytes) throw new PayloadTooLargeException($"Roll uploads are limited to {MaxBytes} bytes.");
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            throw ValidationFailedException.For("body", "The body is not valid JSON.");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw ValidationFailedException.For("body", "The body must be a JSON array of roll rows.");
            }
            if (doc.RootElement.GetArrayLength() > MaxRows) throw new PayloadTooLargeException($"Roll uploads are limited to {MaxRows} rows.");
            var rows = new List<RawRollRow>();
            int index = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw ValidationFailedException.For($"rows[{index}]", "Each roll row must be a JSON object.");
                }
                rows.Add(new RawRollRow(index, Text(item, "upn"), Text(item, "givenName"), Text(item, "familyName"),
                    Text(item, "dateOfBirth"), Text(item, "yearGroup"), Empty(Text(item, "tutorGroup")), Empty(Text(item, "house"))));
            }
            return rows;
        }
    }

    // Numbers are accepted for yearGroup; any other non-string value is kept as a marker the validator rejects.
    private static string? Text(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null => null,
            _ => "\u0000invalid-type",
        };
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
