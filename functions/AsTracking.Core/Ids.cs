using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AsTracking.Core.Errors;

namespace AsTracking.Core;

/// <summary>Id formats of the contract. Ids are validated before they reach a storage key.</summary>
public static partial class Ids
{
    public const int MaxSchoolIdLength = 40;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchoolIdPattern();

    // Server-generated opaque ids: a one-letter kind prefix and 26 base32 characters (130 random bits).
    [GeneratedRegex("^[a-z][0-9a-z]{26}$", RegexOptions.CultureInvariant)]
    private static partial Regex OpaqueIdPattern();

    private const string Base32 = "0123456789abcdefghjkmnpqrstvwxyz";

    public static bool IsValidSchoolId(string? value) => value is not null && SchoolIdPattern().IsMatch(value);

    /// <summary>Throws 400 validation-failed; the value is never echoed back.</summary>
    public static string RequireSchoolId(string? value) =>
        IsValidSchoolId(value)
            ? value!
            : throw ValidationFailedException.For("schoolId", "schoolId must match ^[a-z0-9][a-z0-9-]{2,39}$.");

    public static bool IsOpaqueId(string? value, char kind) =>
        value is not null && value.Length == 27 && value[0] == kind && OpaqueIdPattern().IsMatch(value);

    /// <summary>A malformed id cannot name anything, so it answers like a missing one.</summary>
    public static string RequireOpaqueId(string? value, char kind) =>
        IsOpaqueId(value, kind) ? value! : throw new NotFoundException();

    public static string NewOpaqueId(char kind)
    {
        Span<byte> bytes = stackalloc byte[17];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[27];
        chars[0] = kind;
        // 26 characters × 5 bits = 130 bits taken from the 136 random bits.
        ulong acc = 0;
        int bits = 0, byteIndex = 0;
        for (int i = 1; i < 27; i++)
        {
            if (bits < 5)
            {
                acc = (acc << 8) | bytes[byteIndex++];
                bits += 8;
            }
            bits -= 5;
            chars[i] = Base32[(int)((acc >> bits) & 31)];
        }
        return new string(chars);
    }

    public static bool IsGuid(string? value) => Guid.TryParseExact(value, "D", out _);

    public static string NormaliseGuid(string? value, string field) =>
        Guid.TryParse(value, out var g) ? g.ToString("D") : throw ValidationFailedException.For(field, $"{field} must be a GUID.");
}

public static class IdKinds
{
    public const char Pupil = 'p';
    public const char Session = 's';
    public const char Submission = 'a';
    public const char Transfer = 't';
    public const char Dialogue = 'd';
    public const char Export = 'e';
    public const char RollImport = 'r';
}
