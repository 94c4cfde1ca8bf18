namespace AsTracking.Core.Roll;

/// <summary>
/// The DfE Unique Pupil Number: a check letter, 11 digits (LA code, establishment, year, serial) and a final
/// digit, or a letter for temporary UPNs. See domain.md, glossary.
/// </summary>
public static class Upn
{
    private const string CheckAlphabet = "ABCDEFGHJKLMNPQRTUVWXYZ";

    /// <summary>Upper-cases and trims; does not validate.</summary>
    public static string Normalise(string value) => value.Trim().ToUpperInvariant();

    public static bool IsValid(string? value) => Validate(value) is null;

    /// <summary>Returns null when valid, else a reason that never repeats the value.</summary>
    public static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "upn is required.";
        if (value.Length != 13) return "upn must have 13 characters.";
        for (int i = 1; i < 12; i++)
        {
            if (!char.IsAsciiDigit(value[i])) return "upn characters 2-12 must be digits.";
        }
        var last = value[12];
        if (!char.IsAsciiDigit(last) && CheckAlphabet.IndexOf(last) < 0)
        {
            return "upn character 13 must be a digit or a check-alphabet letter.";
        }
        if (CheckAlphabet.IndexOf(value[0]) < 0) return "upn must start with a check letter.";
        return value[0] == CheckLetter(value.AsSpan(1)) ? null : "upn check letter is not valid.";
    }

    /// <summary>The check letter for characters 2-13 (12 characters), weighted 2..13, sum mod 23.</summary>
    public static char CheckLetter(ReadOnlySpan<char> body)
    {
        if (body.Length != 12) throw new ArgumentException("The UPN body has 12 characters.", nameof(body));
        int sum = 0;
        for (int i = 0; i < 12; i++)
        {
            var c = body[i];
            int value = char.IsAsciiDigit(c) ? c - '0' : CheckAlphabet.IndexOf(c);
            if (value < 0) throw new ArgumentException("Not a UPN character.", nameof(body));
            sum += value * (i + 2);
        }
        return CheckAlphabet[sum % 23];
    }
}
