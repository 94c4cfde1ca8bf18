using System.Security.Cryptography;
using System.Text;

namespace AsTracking.Core.Audit;

/// <summary>
/// The hash chain of a school's trail (R18): each entry's hash covers its own fields and the previous hash,
/// so editing, deleting or reordering any entry breaks every later link.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeHash(string previousHash, long sequence, DateTimeOffset at, string schoolId,
        string actor, string action, string? pupilPseudonym, string outcome)
    {
        // Length-prefixed fields: no two different entries can serialise to the same bytes.
        var builder = new StringBuilder(256);
        Append(builder, previousHash);
        Append(builder, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(builder, at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(builder, schoolId);
        Append(builder, actor);
        Append(builder, action);
        Append(builder, pupilPseudonym ?? string.Empty);
        Append(builder, outcome);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    public static string ComputeHash(AuditEntry e) =>
        ComputeHash(e.PreviousHash, e.Sequence, e.At, e.SchoolId, e.Actor, e.Action, e.PupilPseudonym, e.Outcome);

    /// <summary>
    /// Verifies entries in storage order against the chain head (the last sequence and hash recorded when
    /// appending). A missing tail is caught by the head; a missing middle entry by the sequence gap.
    /// </summary>
    public static AuditVerification Verify(IReadOnlyList<AuditEntry> entries, long headSequence, string headHash)
    {
        var previous = GenesisHash;
        long expected = 1;
        foreach (var entry in entries)
        {
            if (entry.Sequence != expected || entry.PreviousHash != previous || ComputeHash(entry) != entry.Hash)
            {
                return new AuditVerification(entries.Count, false, expected);
            }
            previous = entry.Hash;
            expected++;
        }
        if (headSequence != expected - 1 || (headSequence > 0 && headHash != previous))
        {
            return new AuditVerification(entries.Count, false, Math.Min(expected, headSequence));
        }
        return new AuditVerification(entries.Count, true, null);
    }

    private static void Append(StringBuilder builder, string value) =>
        builder.Append(value.Length).Append(':').Append(value).Append('\n');
}
