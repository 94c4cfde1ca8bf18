using AsTracking.Core.Staff;

namespace AsTracking.Core.Access;

/// <summary>
/// The "who" column of the contract as data (R2, R3). A capability is granted by the first rule whose role the
/// staff member holds and whose training (if any) is valid; whole-school rules come before tutor-group ones.
/// </summary>
public static class AccessPolicy
{
    public enum Training { None, Practitioner, Tutor }

    public enum Scope { WholeSchool, OwnTutorGroups }

    public sealed record Rule(StaffRoles Role, Training Training, Scope Scope);

    private static readonly Rule SchoolAdmin = new(StaffRoles.SchoolAdmin, Training.None, Scope.WholeSchool);
    private static readonly Rule Practitioner = new(StaffRoles.Practitioner, Training.Practitioner, Scope.WholeSchool);
    private static readonly Rule Tutor = new(StaffRoles.Tutor, Training.Tutor, Scope.OwnTutorGroups);
    private static readonly Rule Dpo = new(StaffRoles.DataProtectionOfficer, Training.None, Scope.WholeSchool);
    private static readonly Rule AnyPractitioner = new(StaffRoles.Practitioner, Training.None, Scope.WholeSchool);
    private static readonly Rule AnyTutor = new(StaffRoles.Tutor, Training.None, Scope.WholeSchool);

    private static readonly IReadOnlyDictionary<Capability, Rule[]> Rules = new Dictionary<Capability, Rule[]>
    {
        // Any registered staff member may read their school's profile; it holds no pupil data.
        [Capability.ReadSchool] = [SchoolAdmin, AnyPractitioner, AnyTutor, Dpo],
        [Capability.ManageStaff] = [SchoolAdmin],
        [Capability.ManageRoll] = [SchoolAdmin],
        [Capability.ListPupils] = [SchoolAdmin, Practitioner, Tutor],
        [Capability.RecordConsent] = [SchoolAdmin, Practitioner],
        [Capability.ReadConsent] = [SchoolAdmin, Practitioner, Dpo],
        [Capability.ReadAudit] = [Dpo],
        [Capability.ReadPupilReports] = [Practitioner, Tutor],
        [Capability.OpenSessions] = [Practitioner, Tutor],
        [Capability.ReadCohort] = [Practitioner],
        [Capability.ReadNotifications] = [Practitioner, SchoolAdmin],
        [Capability.ManageTransfers] = [Practitioner, SchoolAdmin],
        [Capability.RecordDialogues] = [Practitioner],
    };

    /// <summary>Platform admins manage schools and staff but never read identifiable pupil data (R3).</summary>
    public static bool PlatformAdminMay(Capability capability) =>
        capability is Capability.ReadSchool or Capability.ManageStaff;

    public static IReadOnlyList<Rule> RulesFor(Capability capability) => Rules[capability];

    public static IEnumerable<Capability> AllCapabilities => Rules.Keys;
}
