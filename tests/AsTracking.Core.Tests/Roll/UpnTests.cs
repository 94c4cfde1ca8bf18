using AsTracking.Core.Roll;

namespace AsTracking.Core.Tests.Roll;

public class UpnTests
{
    [Fact]
    public void Domain_example_B801200005001_is_valid_and_A801200005001_is_not() 
    {
        Assert.True(Upn.IsValid("B801200005001"));
        Assert.False(Upn.IsValid("A801200005001"));
    }

    [Theory]
    [InlineData("B80120000500")]
    [InlineData("B8012000050011")]
    [InlineData("B80120000X001")]
    [InlineData("I801200005001")]
    [InlineData("")]
    public void Malformed_upn_is_rejected(string upn) => Assert.False(Upn.IsValid(upn));

    [Fact]
    public void Temporary_upn_with_a_trailing_letter_uses_the_check_alphabet_position()
    {
        var body = "80120000500A";
        var upn = Upn.CheckLetter(body) + body;
        Assert.True(Upn.IsValid(upn));
        Assert.False(Upn.IsValid(upn[..12] + "I")); // I is not in the check alphabet
    }

    [Fact]
    public void Validation_messages_never_repeat_the_value()
    {
        Assert.DoesNotContain("A801200005001", Upn.Validate("A801200005001")!, StringComparison.Ordinal);
    }
}
