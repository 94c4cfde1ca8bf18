using AsTracking.Core.Staff;

namespace AsTracking.Core.Access;

/// <summary>Training validity (R2): each completion is valid for a configurable number of months (24 by default).</summary>
public sealed class TrainingPolicy(int validityMonths = TrainingPolicy.DefaultValidityMonths)
{
    public const int DefaultValidityMonths = 24;

    public int ValidityMonths { get; } = validityMonths > 0
        ? validityMonths
        : throw new ArgumentOutOfRangeException(nameof(validityMonths));

    public DateOnly ExpiresOn(TrainingRecord record) => record.CompletedOn.AddMonths(ValidityMonths);

    /// <summary>The latest expiry among records of the given levels, or null when none is held.</summary>
    public DateOnly? ValidUntil(IEnumerable<TrainingRecord> training, params TrainingLevel[] levels)
    {
        DateOnly? best = null;
        foreach (var record in training)
        {
            if (Array.IndexOf(levels, record.Level) < 0) continue;
            var expiry = ExpiresOn(record);
            if (best is null || expiry > best) best = expiry;
        }
        return best;
    }

    public bool IsValid(IEnumerable<TrainingRecord> training, DateOnly today, params TrainingLevel[] levels) =>
        ValidUntil(training, levels) is { } until && today < until && training.Any(t => Array.IndexOf(levels, t.Level) >= 0 && t.CompletedOn <= today);

    /// <summary>A Practitioner needs practitioner training; a Tutor needs tutor or practitioner training.</summary>
    public bool PractitionerTrained(StaffMember staff, DateOnly today) =>
        IsValid(staff.Training, today, TrainingLevel.Practitioner);

    public bool TutorTrained(StaffMember staff, DateOnly today) =>
        IsValid(staff.Training, today, TrainingLevel.Tutor, TrainingLevel.Practitioner);
}
