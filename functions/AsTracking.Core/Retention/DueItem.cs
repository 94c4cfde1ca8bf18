namespace AsTracking.Core.Retention;

/// <summary>
/// An entry of the due-date index that the timers read (R16, R17): sweeps read only what is due, never a scan.
/// Keys hold only opaque ids.
/// </summary>
public sealed record DueItem(string Rule, DateOnly DueOn, string SchoolId, string PupilId);

public static class DueRules
{
    /// <summary>Leavers not transferred nor handed over are anonymised 12 months after leaving (R17).</summary>
    public const string LeaverAnonymise = "leaver-anonymise";

    /// <summary>Year 13 / age-18 handover (R16).</summary>
    public const string Handover = "handover";

    /// <summary>An opt-out that asked for erasure: the next sweep (R9, R17).</summary>
    public const string Erasure = "erasure";

    public const int HandoverAge = 18;

    /// <summary>1 September after the academic year that contains <paramref name="day"/>.</summary>
    public static DateOnly NextFirstOfSeptember(DateOnly day) =>
        day.Month >= 9 ? new DateOnly(day.Year + 1, 9, 1) : new DateOnly(day.Year, 9, 1);
}
