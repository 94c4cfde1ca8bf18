using AsTracking.Core.Audit;

namespace AsTracking.Core.Tests.Audit;

public class AuditChainTests
{
    private static List<AuditEntry> Chain(int count)
    {
        var entries = new List<AuditEntry>();
        var previous = AuditChain.GenesisHash;
        for (int i = 1; i <= count; i++)
        {
            var at = new DateTimeOffset(2026, 12, 4, 10, 0, i, TimeSpan.Zero);
            var hash = AuditChain.ComputeHash(previous, i, at, "s1", "t/o", "pupils.list", i % 2 == 0 ? "pseudo" : null, "success");
            entries.Add(new AuditEntry(i, at, "s1", "t/o", "pupils.list", i % 2 == 0 ? "pseudo" : null, "success", previous, hash));
            previous = hash;
        }
        return entries;
    }

    [Fact]
    public void Intact_chain_verifies_R18()
    {
        var chain = Chain(5);
        Assert.Equal(new AuditVerification(5, true, null), AuditChain.Verify(chain, 5, chain[^1].Hash));
    }

    [Fact]
    public void Edited_entry_is_detected_at_its_sequence_R18()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { Outcome = "denied" };
        Assert.Equal(3, AuditChain.Verify(chain, 5, chain[^1].Hash).FirstBrokenAt);
    }

    [Fact]
    public void Deleted_entry_is_detected_R18()
    {
        var chain = Chain(5);
        var hash = chain[^1].Hash;
        chain.RemoveAt(1);
        Assert.Equal(2, AuditChain.Verify(chain, 5, hash).FirstBrokenAt);
        var tailCut = Chain(5).Take(4).ToList();
        Assert.False(AuditChain.Verify(tailCut, 5, hash).Valid);
    }

    [Fact]
    public void Reordered_entries_are_detected_R18()
    {
        var chain = Chain(5);
        (chain[1], chain[2]) = (chain[2], chain[1]);
        Assert.Equal(2, AuditChain.Verify(chain, 5, chain[^1].Hash).FirstBrokenAt);
    }

    [Fact]
    public void Field_boundaries_are_unambiguous()
    {
        var at = DateTimeOffset.UnixEpoch;
        Assert.NotEqual(
            AuditChain.ComputeHash(AuditChain.GenesisHash, 1, at, "s1", "ab", "c", null, "x"),
            AuditChain.ComputeHash(AuditChain.GenesisHash, 1, at, "s1", "a", "bc", null, "x"));
    }
}
