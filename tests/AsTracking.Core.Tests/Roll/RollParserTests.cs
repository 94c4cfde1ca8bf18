using System.Text;
using AsTracking.Core.Errors;
using AsTracking.Core.Roll;

namespace AsTracking.Core.Tests.Roll;

public class RollParserTests
{
    private const string Header = "upn,givenName,familyName,dateOfBirth,yearGroup,tutorGroup,house";
    private static readonly DateOnly Today = new(2026, 12, 4);

    private static IReadOnlyList<RawRollRow> Csv(string text) => RollParser.ParseCsv(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Quoted_fields_with_commas_quotes_and_crlf_are_read()
    {
        var rows = Csv(Header + "\r\nB801200005001,\"Mary, Jane\",\"O\"\"Brien\",2014-05-01,8,8A,\r\n");
        var row = Assert.Single(rows);
        Assert.Equal("Mary, Jane", row.GivenName);
        Assert.Equal("O\"Brien", row.FamilyName);
        Assert.Null(row.House);
    }

    [Fact]
    public void Byte_order_mark_is_refused_with_a_clear_message()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Header + "\n")).ToArray();
        var ex = Assert.Throws<ValidationFailedException>(() => RollParser.ParseCsv(bytes));
        Assert.Contains("byte-order mark", ex.Errors["body"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_5000_rows_is_413()
    {
        var text = new StringBuilder(Header + "\n");
        for (int i = 0; i < 5001; i++) text.Append("B801200005001,A,B,2014-05-01,8,8A,Red\n");
        Assert.Throws<PayloadTooLargeException>(() => Csv(text.ToString()));
    }

    [Fact]
    public void Json_rows_accept_numbers_and_reject_other_types_per_row()
    {
        var json = """[{"upn":"B801200005001","givenName":"A","familyName":"B","dateOfBirth":"2014-05-01","yearGroup":8},{"upn":"B801200005001","givenName":"A","familyName":"B","dateOfBirth":"2014-05-01","yearGroup":true}]""";
        var rows = RollParser.ParseJson(Encoding.UTF8.GetBytes(json));
        var (valid, rejected) = RollRowValidator.Validate(rows, Today);
        Assert.Single(valid);
        Assert.Equal(2, Assert.Single(rejected).Row);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    [InlineData("[{")]
    public void Json_that_is_not_an_array_of_objects_is_400(string json) =>
        Assert.Throws<ValidationFailedException>(() => RollParser.ParseJson(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("2014-05-01", 8, true)]
    [InlineData("2014-05-01", 2, false)]
    [InlineData("2014-05-01", 14, false)]
    [InlineData("2027-01-01", 8, false)]
    [InlineData("2020-01-01", 8, false)] // age 6
    [InlineData("2006-12-05", 13, true)]  // 19 on the day before their 20th birthday
    [InlineData("2006-12-04", 13, false)] // 20 today
    [InlineData("01/05/2014", 8, false)]
    public void Row_rules_year_group_3_to_13_and_age_7_to_19(string dob, int year, bool valid)
    {
        var (ok, rejected) = RollRowValidator.Validate([new RawRollRow(1, "B801200005001", "A", "B", dob, year.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null)], Today);
        Assert.Equal(valid, ok.Count == 1);
        Assert.Equal(!valid, rejected.Count == 1);
    }
}
