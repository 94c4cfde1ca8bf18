namespace AsTracking.Core.Tests;

public class IdsTests
{
    [Theory]
    [InlineData("oakfield-academy", true)]
    [InlineData("abc", true)]
    [InlineData("ab", false)]
    [InlineData("-abc", false)]
    [InlineData("Oakfield", false)]
    [InlineData("oak/field", false)]
    [InlineData("oak#field", false)]
    [InlineData("oak?field", false)]
    [InlineData("oak\nfield", false)]
    [InlineData("a1234567890123456789012345678901234567890", false)]
    public void School_ids_follow_the_contract_pattern(string id, bool valid) => Assert.Equal(valid, Ids.IsValidSchoolId(id));

    [Fact]
    public void Opaque_ids_are_unique_well_formed_and_carry_no_input()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Ids.NewOpaqueId(IdKinds.Pupil)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(Ids.IsOpaqueId(id, IdKinds.Pupil)));
        Assert.False(Ids.IsOpaqueId(ids[0], IdKinds.Session));
    }
}
