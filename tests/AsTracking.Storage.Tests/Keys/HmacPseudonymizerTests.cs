using AsTracking.Storage.Keys;

namespace AsTracking.Storage.Tests.Keys;

public sealed class HmacPseudonymizerTests
{
    private static readonly byte[] Material = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static HmacPseudonymizer Create(byte[]? material = null) =>
        new(new FixedKeyStore(material ?? Material));

    [Fact]
    public async Task Same_input_gives_the_same_index_key_across_instances_R19()
    {
        var first = await Create().UpnIndexKeyAsync("100001", "A123456789012", default);
        var second = await Create().UpnIndexKeyAsync("100001", "A123456789012", default);

        Assert.Equal(first, second);
        Assert.Equal(
            await Create().PupilPseudonymAsync("100001", "pupil-1", default),
            await Create().PupilPseudonymAsync("100001", "pupil-1", default));
    }

    [Fact]
    public async Task Upn_index_key_ignores_case_and_surrounding_spaces_R19()
    {
        var pseudonymizer = Create();

        Assert.Equal(
            await pseudonymizer.UpnIndexKeyAsync("100001", "A123456789012", default),
            await pseudonymizer.UpnIndexKeyAsync("100001", " a123456789012 ", default));
    }

    [Fact]
    public async Task Same_pupil_in_another_school_gets_an_unrelated_key_R19()
    {
        var pseudonymizer = Create();

        Assert.NotEqual(
            await pseudonymizer.UpnIndexKeyAsync("100001", "A123456789012", default),
            await pseudonymizer.UpnIndexKeyAsync("100002", "A123456789012", default));
        Assert.NotEqual(
            await pseudonymizer.PupilPseudonymAsync("100001", "pupil-1", default),
            await pseudonymizer.PupilPseudonymAsync("100002", "pupil-1", default));
    }

    [Fact]
    public async Task Upn_index_and_pupil_pseudonym_are_purpose_separated_R19()
    {
        var pseudonymizer = Create();

        Assert.NotEqual(
            await pseudonymizer.UpnIndexKeyAsync("100001", "ABC", default),
            await pseudonymizer.PupilPseudonymAsync("100001", "ABC", default));
    }

    [Fact]
    public async Task School_and_value_boundaries_cannot_be_shifted_to_collide_R19()
    {
        var pseudonymizer = Create();

        Assert.NotEqual(
            await pseudonymizer.PupilPseudonymAsync("1|2", "3", default),
            await pseudonymizer.PupilPseudonymAsync("1", "2|3", default));
    }

    [Fact]
    public async Task Another_hmac_key_gives_different_pseudonyms_R19()
    {
        var other = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();

        Assert.NotEqual(
            await Create().PupilPseudonymAsync("100001", "pupil-1", default),
            await Create(other).PupilPseudonymAsync("100001", "pupil-1", default));
    }

    [Theory]
    [InlineData("100001", "A123456789012")]
    [InlineData("abcdef", "ABCDEF0123456")]
    public async Task Pseudonym_is_128_bit_table_key_safe_hex_without_any_input_substring_R19(string schoolId, string upn)
    {
        var pseudonymizer = Create();
        var outputs = new[]
        {
            await pseudonymizer.UpnIndexKeyAsync(schoolId, upn, default),
            await pseudonymizer.PupilPseudonymAsync(schoolId, upn, default),
        };

        foreach (var output in outputs)
        {
            Assert.Matches("^[0-9a-f]{32}$", output);
            Assert.DoesNotContain(schoolId, output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(upn, output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(upn[..6], output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Pseudonymizer_reads_the_hmac_key_from_the_key_store_R19()
    {
        var ring = DevelopmentKeyRing.InMemory();
        var pseudonymizer = new HmacPseudonymizer(ring);

        var before = await pseudonymizer.PupilPseudonymAsync("100001", "pupil-1", default);
        var again = await pseudonymizer.PupilPseudonymAsync("100001", "pupil-1", default);

        Assert.Equal(before, again);
        Assert.NotEqual(before, await Create().PupilPseudonymAsync("100001", "pupil-1", default));
    }
}
