using System.Globalization;
using System.Text.RegularExpressions;
using AsTracking.Core.Contracts;

namespace AsTracking.Core.Assessments;

/// <summary>One assessment window: academic year ("2026/27", 1 September to 31 August) and round 1-3.</summary>
public readonly partial record struct AcademicRound(string AcademicYear, int Round)
{
    public const int MaxRound = 3;

    [GeneratedRegex(@"^(\d{4})/(\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex YearPattern();

    /// <summary>A storage-safe key that sorts chronologically ("/" is not allowed in table keys).</summary>
    public string Key => $"{AcademicYear[..4]}-{AcademicYear[5..]}-{Round}";

    public static bool IsValidYear(string? year)
    {
        if (year is null) return false;
        var m = YearPattern().Match(year);
        if (!m.Success) return false;
        var start = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var end = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return start is >= 2000 and <= 2099 && (start + 1) % 100 == end;
    }

    /// <summary>Validates into <paramref name="v"/>; returns null when invalid.</summary>
    public static AcademicRound? Validate(string? year, int? round, Validation v, string yearField = "academicYear", string roundField = "round")
    {
        var ok = true;
        if (!IsValidYear(year))
        {
            v.Add(yearField, $"{yearField} must look like 2026/27 (consecutive years).");
            ok = false;
        }
        if (round is null or < 1 or > MaxRound)
        {
            v.Add(roundField, $"{roundField} must be 1-{MaxRound}.");
            ok = false;
        }
        return ok ? new AcademicRound(year!, round!.Value) : null;
    }

    public static AcademicRound FromKey(string key) =>
        TryFromKey(key, out var round) ? round : throw new FormatException("Not an academic round key.");

    /// <summary>Parses a <see cref="Key"/>; false for anything that is not a valid year and round.</summary>
    public static bool TryFromKey(string? key, out AcademicRound round)
    {
        round = default;
        var parts = key?.Split('-');
        if (parts is not { Length: 3 } || parts[2] is not { Length: 1 } r || r[0] is < '1' or > (char)('0' + MaxRound)) return false;
        var year = $"{parts[0]}/{parts[1]}";
        if (!IsValidYear(year)) return false;
        round = new AcademicRound(year, r[0] - '0');
        return true;
    }

    public static string YearOf(DateOnly day) =>
        day.Month >= 9 ? $"{day.Year}/{(day.Year + 1) % 100:D2}" : $"{day.Year - 1}/{day.Year % 100:D2}";

    public override string ToString() => $"{AcademicYear} round {Round}";
}
