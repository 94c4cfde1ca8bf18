using AsTracking.Core.Roll;

namespace AsTracking.Core.Tests;

public class UpnTests
{
    [Theory]
    [InlineData("B801200005001")]
    public void Valid_upn_from_domain_example_passes(string upn) => Assert.True(Upn.IsValid(upn));

    [Theory]
    [InlineData("A801200005001")]
    [InlineData("B80120000500")]
    [InlineData("B8012000050011")]
    [InlineData("B80120000X001")]
    [InlineData("")]
    public void Invalid_upn_is_rejected(string upn) => Assert.False(Upn.IsValid(upn));
}
