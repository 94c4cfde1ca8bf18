using System.Globalization;
using AsTracking.DevHost.Timers;

namespace AsTracking.Functions.Tests.DevHost;

public sealed class CronScheduleTests
{
    private static DateTime Utc(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    [Theory]
    // Daily 02:00 UTC (RetentionSweep): strictly after, so 02:00:00 itself moves to the next day.
    [InlineData("0 0 2 * * *", "2026-03-10T01:59:59Z", "2026-03-10T02:00:00Z")]
    [InlineData("0 0 2 * * *", "2026-03-10T02:00:00Z", "2026-03-11T02:00:00Z")]
    [InlineData("0 0 2 * * *", "2026-12-31T02:00:00.5Z", "2027-01-01T02:00:00Z")]
    // Every 15 minutes.
    [InlineData("0 */15 * * * *", "2026-03-10T10:07:30Z", "2026-03-10T10:15:00Z")]
    [InlineData("0 */15 * * * *", "2026-03-10T23:45:00Z", "2026-03-11T00:00:00Z")]
    // Every 10 seconds; a fraction of a second is truncated, not rounded.
    [InlineData("*/10 * * * * *", "2026-03-10T10:00:05.9Z", "2026-03-10T10:00:10Z")]
    // Lists.
    [InlineData("0 0 9,12,18 * * *", "2026-03-10T12:00:00Z", "2026-03-10T18:00:00Z")]
    [InlineData("0 0 9,12,18 * * *", "2026-03-10T18:30:00Z", "2026-03-11T09:00:00Z")]
    [InlineData("0 5,35 * * * *", "2026-03-10T10:35:00Z", "2026-03-10T11:05:00Z")]
    // Ranges, with and without steps; a/n runs to the end of the field.
    [InlineData("0 30 9-17 * * *", "2026-03-10T17:30:00Z", "2026-03-11T09:30:00Z")]
    [InlineData("0 0 8-18/5 * * *", "2026-03-10T13:00:01Z", "2026-03-10T18:00:00Z")]
    [InlineData("0 5/20 * * * *", "2026-03-10T10:25:00Z", "2026-03-10T10:45:00Z")]
    // Months: by number and by name.
    [InlineData("0 0 0 1 1,7 *", "2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z")]
    [InlineData("0 0 0 1 JAN,JUL *", "2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 3 1 SEP-OCT *", "2026-09-01T03:00:00Z", "2026-10-01T03:00:00Z")]
    // Days of week: 2026-03-13 is a Friday, 2026-03-15 a Sunday; 0 and 7 are both Sunday.
    [InlineData("0 30 9 * * MON-FRI", "2026-03-13T09:30:00Z", "2026-03-16T09:30:00Z")]
    [InlineData("0 30 9 * * 1-5", "2026-03-12T10:00:00Z", "2026-03-13T09:30:00Z")]
    [InlineData("0 0 12 * * 0", "2026-03-13T00:00:00Z", "2026-03-15T12:00:00Z")]
    [InlineData("0 0 12 * * 7", "2026-03-13T00:00:00Z", "2026-03-15T12:00:00Z")]
    [InlineData("0 0 12 * * sun", "2026-03-13T00:00:00Z", "2026-03-15T12:00:00Z")]
    // Day of month AND day of week (NCrontab semantics): the next Friday the 13th.
    [InlineData("0 0 0 13 * FRI", "2026-03-13T00:00:00Z", "2026-11-13T00:00:00Z")]
    // 29 February only in leap years.
    [InlineData("0 0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    public void Next_occurrence_is_the_first_matching_second_after_the_given_time(string expression, string after, string expected)
    {
        var schedule = CronSchedule.Parse(expression);

        var next = schedule.GetNextOccurrence(Utc(after));

        Assert.Equal(Utc(expected), next);
        Assert.Equal(DateTimeKind.Utc, next!.Value.Kind);
    }

    [Fact]
    public void DateTimeOffset_overload_works_in_UTC_whatever_the_offset()
    {
        var schedule = CronSchedule.Parse("0 0 2 * * *");

        // 03:30 at +02:00 is 01:30 UTC: 02:00 UTC is still to come that day.
        var next = schedule.GetNextOccurrence(new DateTimeOffset(2026, 3, 10, 3, 30, 0, TimeSpan.FromHours(2)));

        Assert.Equal(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Fact]
    public void Schedule_that_can_never_match_has_no_next_occurrence()
    {
        Assert.Null(CronSchedule.Parse("0 0 0 30 2 *").GetNextOccurrence(Utc("2026-01-01T00:00:00Z")));
    }

    [Theory]
    [InlineData("0 0 2 * *", "6 fields")]
    [InlineData("0 0 2 * * * *", "6 fields")]
    [InlineData("60 * * * * *", "second")]
    [InlineData("0 0 24 * * *", "hour")]
    [InlineData("0 0 0 0 * *", "day")]
    [InlineData("0 0 0 * 13 *", "month")]
    [InlineData("0 0 0 * * 8", "day of week")]
    [InlineData("0 x * * * *", "minute")]
    [InlineData("0 */0 * * * *", "step")]
    [InlineData("0 0 5-1 * * *", "backwards")]
    [InlineData("0 0 1,,2 * * *", "empty")]
    [InlineData("", "required")]
    public void Invalid_expression_is_rejected_with_a_message_naming_the_problem(string expression, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));

        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));
        Assert.Equal(ex.Message, error);
    }
}
