using System.Globalization;

namespace AsTracking.DevHost.Timers;

/// <summary>
/// An NCRONTAB schedule as used by the Functions timer trigger: six fields
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, evaluated in UTC.
/// Each field accepts <c>*</c>, a value, a range <c>a-b</c>, a step <c>*/n</c>, <c>a-b/n</c> or <c>a/n</c>, and
/// comma-separated lists of these. Months and days of week also accept English names (<c>JAN</c>, <c>MON</c>);
/// day of week is 0-6 from Sunday (7 is also Sunday). As in NCrontab, a time must match the day of month AND the
/// day of week.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    // Bit i set = value i allowed.
    private readonly ulong _seconds, _minutes, _hours, _days, _months, _daysOfWeek;

    private CronSchedule(string expression, ulong seconds, ulong minutes, ulong hours, ulong days, ulong months, ulong daysOfWeek)
    {
        Expression = expression;
        _seconds = seconds;
        _minutes = minutes;
        _hours = hours;
        _days = days;
        _months = months;
        _daysOfWeek = daysOfWeek;
    }

    public string Expression { get; }

    public override string ToString() => Expression;

    /// <exception cref="FormatException">The expression is not a valid six-field NCRONTAB expression.</exception>
    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParse(string? expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CronSchedule? schedule, out string? error)
    {
        schedule = null;
        error = null;
        if (string.IsNullOrWhiteSpace(expression))
        {
            error = "A CRON expression is required.";
            return false;
        }
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            error = $"CRON expression '{expression}' must have 6 fields (second minute hour day month day-of-week), not {fields.Length}.";
            return false;
        }
        try
        {
            var seconds = ParseField(fields[0], 0, 59, null, 0, "second");
            var minutes = ParseField(fields[1], 0, 59, null, 0, "minute");
            var hours = ParseField(fields[2], 0, 23, null, 0, "hour");
            var days = ParseField(fields[3], 1, 31, null, 0, "day");
            var months = ParseField(fields[4], 1, 12, MonthNames, 1, "month");
            var daysOfWeek = ParseField(fields[5], 0, 7, DayNames, 0, "day of week");
            if ((daysOfWeek & (1UL << 7)) != 0) daysOfWeek = (daysOfWeek | 1UL) & ~(1UL << 7);
            schedule = new CronSchedule(string.Join(' ', fields), seconds, minutes, hours, days, months, daysOfWeek);
            return true;
        }
        catch (FormatException ex)
        {
            error = $"CRON expression '{expression}' is invalid: {ex.Message}";
            return false;
        }
    }

    /// <summary>
    /// The first time strictly after <paramref name="after"/> (whole seconds, UTC) that matches, or null when none
    /// exists in the next 50 years (e.g. 30 February).
    /// </summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        var next = GetNextOccurrence(after.UtcDateTime);
        return next is null ? null : new DateTimeOffset(next.Value, TimeSpan.Zero);
    }

    /// <inheritdoc cref="GetNextOccurrence(DateTimeOffset)"/>
    /// <remarks>A <see cref="DateTimeKind.Local"/> time is converted to UTC; an unspecified one is taken as UTC.</remarks>
    public DateTime? GetNextOccurrence(DateTime after)
    {
        var utc = after.Kind == DateTimeKind.Local ? after.ToUniversalTime() : after;
        var t = new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(50);
        while (t <= limit)
        {
            if (!Has(_months, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!Has(_days, t.Day) || !Has(_daysOfWeek, (int)t.DayOfWeek))
            {
                t = t.Date.AddDays(1);
            }
            else if (!Has(_hours, t.Hour))
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!Has(_minutes, t.Minute))
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
            }
            else if (!Has(_seconds, t.Second))
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return t;
            }
        }
        return null;
    }

    private static bool Has(ulong set, int value) => (set & (1UL << value)) != 0;

    private static ulong ParseField(string field, int min, int max, string[]? names, int nameBase, string what)
    {
        ulong set = 0;
        foreach (var item in field.Split(','))
        {
            if (item.Length == 0) throw new FormatException($"empty item in the {what} field '{field}'.");
            var rangePart = item;
            var step = 1;
            var slash = item.IndexOf('/');
            if (slash >= 0)
            {
                rangePart = item[..slash];
                step = ParseNumber(item[(slash + 1)..], what);
                if (step <= 0) throw new FormatException($"the step in '{item}' ({what}) must be positive.");
            }

            int from, to;
            if (rangePart == "*")
            {
                from = min;
                to = max == 7 ? 6 : max;
            }
            else
            {
                var dash = rangePart.IndexOf('-');
                if (dash >= 0)
                {
                    from = ParseValue(rangePart[..dash], names, nameBase, what);
                    to = ParseValue(rangePart[(dash + 1)..], names, nameBase, what);
                }
                else
                {
                    from = ParseValue(rangePart, names, nameBase, what);
                    // "a/n" means from a to the end of the range, stepping n.
                    to = slash >= 0 ? (max == 7 ? 6 : max) : from;
                }
            }

            if (from < min || from > max || to < min || to > max)
            {
                throw new FormatException($"'{item}' is outside {min}-{max} for the {what} field.");
            }
            if (from > to)
            {
                throw new FormatException($"the range '{item}' ({what}) runs backwards.");
            }
            for (var v = from; v <= to; v += step)
            {
                set |= 1UL << v;
            }
        }
        return set;
    }

    private static int ParseValue(string text, string[]? names, int nameBase, string what)
    {
        if (names is not null)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) return index + nameBase;
        }
        return ParseNumber(text, what);
    }

    private static int ParseNumber(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a number for the {what} field.");
}
