using AsTracking.Core.Pupils;
using AsTracking.Core.Retention;
using AsTracking.Core.Roll;

namespace AsTracking.Core.Tests.Roll;

public class RollPlannerTests
{
    private static readonly DateOnly Today = new(2026, 12, 4);
    private static int _ids;

    private static RollRow Row(int serial, int year = 8, string given = "A")
    {
        var body = $"80120000{serial:D4}";
        return new RollRow(serial, Upn.CheckLetter(body) + body, given, "B", new DateOnly(2014, 1, 1), year, "8A", null);
    }

    private static RollChangeSet Plan(IReadOnlyList<Pupil> current, IReadOnlyList<RollRow> rows, RollMode mode = RollMode.Replace) =>
        RollPlanner.Plan("s1", current, rows, [], mode, Today, "r", "h", () => $"p{Interlocked.Increment(ref _ids):D26}");

    [Fact]
    public void Replace_adds_updates_keeps_and_marks_leavers()
    {
        var first = Plan([], [Row(1), Row(2), Row(3)]);
        var current = first.Added;
        var second = Plan(current, [Row(1), Row(2, given: "Renamed"), Row(4)]);
        Assert.Equal((1, 1, 1, 1), (second.Result.Added, second.Result.Updated, second.Result.Unchanged, second.Result.Left));
        var leaver = Assert.Single(second.Left);
        Assert.Equal((PupilStatus.Left, Today), (leaver.Status, leaver.LeftOn));
        Assert.Contains(second.Due, d => d.Rule == DueRules.LeaverAnonymise && d.DueOn == Today.AddMonths(12) && d.PupilId == leaver.PupilId);
    }

    [Fact]
    public void Upsert_never_marks_leavers()
    {
        var current = Plan([], [Row(1), Row(2)]).Added;
        var plan = Plan(current, [Row(3)], RollMode.Upsert);
        Assert.Empty(plan.Left);
        Assert.Equal(1, plan.Result.Added);
    }

    [Fact]
    public void Incoming_transfers_are_not_marked_as_leavers_R13()
    {
        var incoming = Plan([], [Row(1)]).Added[0] with { Status = PupilStatus.Incoming };
        Assert.Empty(Plan([incoming], [Row(2)]).Left);
    }

    [Fact]
    public void Year_13_leaver_is_due_for_handover_now_and_on_roll_year_13_on_1_September_R16()
    {
        var current = Plan([], [Row(1, year: 13), Row(2, year: 13)]);
        Assert.All(current.Due.Where(d => d.Rule == DueRules.Handover), d => Assert.Equal(new DateOnly(2027, 9, 1), d.DueOn));
        var next = Plan(current.Added, [Row(1, year: 13)]);
        Assert.Contains(next.Due, d => d.Rule == DueRules.Handover && d.DueOn == Today && d.PupilId == next.Left[0].PupilId);
    }

    [Fact]
    public void Returning_leaver_rejoins_the_roll()
    {
        var current = Plan([], [Row(1)]).Added.Select(p => p with { Status = PupilStatus.Left, LeftOn = Today.AddDays(-10) }).ToList();
        var plan = Plan(current, [Row(1)]);
        var back = Assert.Single(plan.Updated);
        Assert.Equal((PupilStatus.OnRoll, (DateOnly?)null, (DateOnly?)Today), (back.Status, back.LeftOn, back.JoinedOn));
    }
}
