using AsTracking.Core.Schools;
using AsTracking.Core.Staff;

namespace AsTracking.Core.Access;

/// <summary>
/// The outcome of a successful authorization: which school, and whether the caller sees the whole school
/// or only some tutor groups (R2).
/// </summary>
public sealed class AccessGrant
{
    private readonly HashSet<string>? _tutorGroups;

    internal AccessGrant(School school, Caller caller, StaffMember? staff, IEnumerable<string>? tutorGroups)
    {
        School = school;
        Caller = caller;
        Staff = staff;
        _tutorGroups = tutorGroups is null ? null : new HashSet<string>(tutorGroups, StringComparer.OrdinalIgnoreCase);
    }

    public School School { get; }
    public Caller Caller { get; }
    public StaffMember? Staff { get; }
    public string SchoolId => School.SchoolId;

    /// <summary>True when access is limited to the caller's own tutor groups.</summary>
    public bool IsLimitedToTutorGroups => _tutorGroups is not null;

    public IReadOnlyCollection<string> TutorGroups => _tutorGroups ?? (IReadOnlyCollection<string>)Array.Empty<string>();

    public bool CoversTutorGroup(string? tutorGroup) =>
        _tutorGroups is null || (tutorGroup is not null && _tutorGroups.Contains(tutorGroup));
}
