using AsTracking.Core.Assessments;

namespace AsTracking.Core.Tests.Assessments;

/// <summary>R7: codes are high-entropy, unambiguous when read aloud or copied, and normalised one way every time.</summary>
public class AssessmentCodesTests
{
    [Fact]
    public void Alphabet_has_32_distinct_characters_and_no_look_alikes_R7()
    {
        Assert.Equal(32, AssessmentCodes.Alphabet.Distinct().Count());
        Assert.Equal(AssessmentCodes.Alphabet.Length, AssessmentCodes.Alphabet.Distinct().Count());
        foreach (var confusable in "O0I1") Assert.DoesNotContain(confusable, AssessmentCodes.Alphabet);
        Assert.All(AssessmentCodes.Alphabet, c => Assert.True(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)));
    }

    [Fact]
    public void Codes_carry_at_least_50_bits_of_entropy_R7()
    {
        var bits = AssessmentCodes.Length * Math.Log2(AssessmentCodes.Alphabet.Length);
        Assert.True(bits >= 50, $"{bits} bits");
        Assert.Equal(AssessmentCodes.EntropyBits, (int)bits);
    }

    [Fact]
    public void New_codes_are_grouped_in_fours_from_the_alphabet_and_do_not_repeat_R7()
    {
        var codes = Enumerable.Range(0, 20_000).Select(_ => AssessmentCodes.New()).ToList();
        Assert.All(codes, c =>
        {
            Assert.Equal(14, c.Length);
            Assert.Equal('-', c[4]);
            Assert.Equal('-', c[9]);
            Assert.All(c.Replace("-", "", StringComparison.Ordinal), ch => Assert.Contains(ch, AssessmentCodes.Alphabet));
            Assert.Equal(c.Replace("-", "", StringComparison.Ordinal), AssessmentCodes.Normalise(c));
        });
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_character_is_used_at_every_position_with_roughly_equal_frequency_R7()
    {
        const int samples = 32_000;
        var counts = new int[AssessmentCodes.Length, AssessmentCodes.Alphabet.Length];
        for (int n = 0; n < samples; n++)
        {
            var code = AssessmentCodes.Normalise(AssessmentCodes.New())!;
            for (int i = 0; i < code.Length; i++) counts[i, AssessmentCodes.Alphabet.IndexOf(code[i], StringComparison.Ordinal)]++;
        }
        // Expected 1,000 per cell; the standard deviation is about 31, so 800-1,200 fails only for a biased generator.
        for (int i = 0; i < AssessmentCodes.Length; i++)
        {
            for (int c = 0; c < AssessmentCodes.Alphabet.Length; c++) Assert.InRange(counts[i, c], 800, 1200);
        }
    }

    [Theory]
    [InlineData("ABCD-EFGH-JKLM", "ABCDEFGHJKLM")]
    [InlineData("abcd-efgh-jklm", "ABCDEFGHJKLM")]
    [InlineData("ABCDEFGHJKLM", "ABCDEFGHJKLM")]
    [InlineData("ABCD EFGH JKLM", "ABCDEFGHJKLM")]
    [InlineData("  aBcD-eFgH jkLM ", "ABCDEFGHJKLM")]
    [InlineData("2345-6789-WXYZ", "23456789WXYZ")]
    public void Case_spaces_and_hyphens_are_normalised_R8(string input, string expected) =>
        Assert.Equal(expected, AssessmentCodes.Normalise(input));

    [Theory]
    [InlineData("OBCD-EFGH-JKLM")] // letter O
    [InlineData("0BCD-EFGH-JKLM")] // digit zero
    [InlineData("IBCD-EFGH-JKLM")] // letter I
    [InlineData("1BCD-EFGH-JKLM")] // digit one
    [InlineData("oBCD-EFGH-JKLM")]
    [InlineData("iBCD-EFGH-JKLM")]
    [InlineData("ABCD-EFGH-JKL")]   // too short
    [InlineData("ABCD-EFGH-JKLMN")] // too long
    [InlineData("ABCD_EFGH_JKLM")]  // other separators
    [InlineData("ABCD.EFGH.JKLM")]
    [InlineData("ÀBCD-EFGH-JKLM")]  // not ASCII
    [InlineData("----------------------------------")]
    [InlineData("")]
    [InlineData(null)]
    public void Confusable_foreign_or_misshapen_input_is_rejected_R8(string? input) =>
        Assert.Null(AssessmentCodes.Normalise(input));
}
