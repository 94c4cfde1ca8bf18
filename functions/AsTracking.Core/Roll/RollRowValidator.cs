using System.Globalization;

namespace AsTracking.Core.Roll;

/// <summary>
/// Per-row checks of the roll contract: UPN check letter, year group 3-13, age 7-19 on the upload date, and
/// duplicate UPNs inside one upload (the first occurrence wins). Messages never repeat the rejected value.
/// </summary>
public static class RollRowValidator
{
    public const int MinYearGroup = 3;
    public const int MaxYearGroup = 13;
    public const int MinAge = 7;
    public const int MaxAge = 19;
    public const int MaxNameLength = 100;
    public const int MaxGroupLength = 40;

    public static (List<RollRow> Valid, List<RollRejection> Rejected) Validate(IEnumerable<RawRollRow> rows, DateOnly today)
    {
        var valid = new List<RollRow>();
        var rejected = new List<RollRejection>();
        var firstRowByUpn = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var raw in rows)
        {
            var errors = new List<string>();
            var upn = raw.Upn is null ? null : Upn.Normalise(raw.Upn);
            if (Upn.Validate(upn) is { } upnError) errors.Add(upnError);
            var given = Name(raw.GivenName, "givenName", errors);
            var family = Name(raw.FamilyName, "familyName", errors);
            var dob = DateOfBirth(raw.DateOfBirth, today, errors);
            var year = YearGroup(raw.YearGroup, errors);
            var tutor = Group(raw.TutorGroup, "tutorGroup", errors);
            var house = Group(raw.House, "house", errors);
            if (errors.Count == 0 && firstRowByUpn.TryGetValue(upn!, out var first))
            {
                errors.Add($"upn duplicates row {first} of this upload.");
            }
            if (errors.Count > 0)
            {
                rejected.Add(new RollRejection(raw.Row, errors));
                continue;
            }
            firstRowByUpn[upn!] = raw.Row;
            valid.Add(new RollRow(raw.Row, upn!, given!, family!, dob!.Value, year!.Value, tutor, house));
        }
        return (valid, rejected);
    }

    public static int AgeOn(DateOnly dateOfBirth, DateOnly on)
    {
        var age = on.Year - dateOfBirth.Year;
        if (on < dateOfBirth.AddYears(age)) age--;
        return age;
    }

    private static string? Name(string? value, string field, List<string> errors)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed)) { errors.Add($"{field} is required."); return null; }
        if (trimmed.Length > MaxNameLength) { errors.Add($"{field} is longer than {MaxNameLength} characters."); return null; }
        if (trimmed.Any(char.IsControl)) { errors.Add($"{field} contains control characters."); return null; }
        return trimmed;
    }

    private static string? Group(string? value, string field, List<string> errors)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        if (trimmed.Length > MaxGroupLength || trimmed.Any(char.IsControl))
        {
            errors.Add($"{field} must be at most {MaxGroupLength} printable characters.");
            return null;
        }
        return trimmed;
    }

    private static DateOnly? DateOfBirth(string? value, DateOnly today, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) { errors.Add("dateOfBirth is required."); return null; }
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob))
        {
            errors.Add("dateOfBirth must be an ISO date (yyyy-MM-dd).");
            return null;
        }
        if (dob > today) { errors.Add("dateOfBirth is in the future."); return null; }
        var age = AgeOn(dob, today);
        if (age < MinAge || age > MaxAge)
        {
            errors.Add($"age on the upload date must be {MinAge}-{MaxAge}.");
            return null;
        }
        return dob;
    }

    private static int? YearGroup(string? value, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) { errors.Add("yearGroup is required."); return null; }
        if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            errors.Add("yearGroup must be a whole number.");
            return null;
        }
        if (year is < MinYearGroup or > MaxYearGroup)
        {
            errors.Add($"yearGroup must be {MinYearGroup}-{MaxYearGroup}.");
            return null;
        }
        return year;
    }
}
