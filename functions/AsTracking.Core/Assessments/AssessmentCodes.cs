using System.Security.Cryptography;

namespace AsTracking.Core.Assessments;

/// <summary>
/// Single-use assessment codes (R7): 12 characters from a 32-letter alphabet without look-alikes (no 0, O, 1, I),
/// so 60 bits of entropy, shown as XXXX-XXXX-XXXX. Input is normalised (case, spaces and hyphens) and anything
/// else is rejected, the same way every time.
/// </summary>
public static class AssessmentCodes
{
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    public const int Length = 12;
    public const int EntropyBits = 60;

    public static string New()
    {
        Span<char> chars = stackalloc char[Length + 2];
        int at = 0;
        for (int i = 0; i < Length; i++)
        {
            if (i is 4 or 8) chars[at++] = '-';
            chars[at++] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return new string(chars);
    }

    /// <summary>Upper-cases and drops spaces and hyphens; returns null when the result is not a possible code.</summary>
    public static string? Normalise(string? input)
    {
        if (string.IsNullOrEmpty(input) || input.Length > 32) return null;
        Span<char> chars = stackalloc char[Length];
        int n = 0;
        foreach (var raw in input)
        {
            if (raw is '-' or ' ') continue;
            var c = char.ToUpperInvariant(raw);
            if (n == Length || Alphabet.IndexOf(c) < 0) return null;
            chars[n++] = c;
        }
        return n == Length ? new string(chars) : null;
    }
}
