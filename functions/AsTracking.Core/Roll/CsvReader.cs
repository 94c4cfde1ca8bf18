using System.Text;
using AsTracking.Core.Errors;

namespace AsTracking.Core.Roll;

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF. Blank lines are skipped.</summary>
internal static class CsvReader
{
    public static List<List<string>> Read(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        bool inQuotes = false, fieldStarted = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }
                    inQuotes = false;
                }
                else
                {
                    field.Append(c);
                }
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
            i++;
        }
        if (inQuotes) throw ValidationFailedException.For("body", "The CSV has an unterminated quoted field.");
        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || record.Count > 0 || field.Length > 0)
            {
                record.Add(field.ToString());
                records.Add(record);
            }
            record = new List<string>();
            field.Clear();
            fieldStarted = false;
        }
    }
}
