using AsTracking.Core.Audit;
using AsTracking.Core.Consent;
using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;
using AsTracking.Core.Schools;
using AsTracking.Core.Staff;
using AsTracking.Core.UseCases;

namespace AsTracking.Functions.Http.Views;

// Response shapes of the contract (api.md). Domain types never go on the wire directly.

public sealed record AccreditationView(AccreditationStatus Status, IReadOnlyList<string> Areas);

public sealed record SchoolView(string SchoolId, string Name, string? DfeNumber, DateOnly CodeOfConductSignedOn,
    string CodeOfConductSignedBy, SchoolStatus Status, AccreditationView? Accreditation, DateTimeOffset UpdatedAt)
{
    public static SchoolView From(School s) => new(s.SchoolId, s.Name, s.DfeNumber, s.CodeOfConductSignedOn, s.CodeOfConductSignedBy,
        s.Status, s.Accreditation is null ? null : new AccreditationView(s.Accreditation.Status, s.Accreditation.Areas), s.UpdatedAt);
}

public sealed record TrainingView(TrainingLevel Level, DateOnly CompletedOn, DateOnly ExpiresOn);

public sealed record StaffView(string SchoolId, string Oid, string TenantId, string DisplayName, IReadOnlyList<string> Roles,
    IReadOnlyList<TrainingView> Training, IReadOnlyList<string> TutorGroups)
{
    public static StaffView From(StaffMember m, Core.Access.TrainingPolicy policy) => new(m.SchoolId, m.ObjectId, m.TenantId, m.DisplayName,
        RoleNames(m.Roles), m.Training.Select(t => new TrainingView(t.Level, t.CompletedOn, policy.ExpiresOn(t))).ToList(), m.TutorGroups);

    public static IReadOnlyList<string> RoleNames(StaffRoles roles) =>
        Enum.GetValues<StaffRoles>().Where(r => r != StaffRoles.None && roles.HasFlag(r)).Select(r => r.ToString()).ToList();
}

public sealed record TrainingValidityView(bool Valid, DateOnly? ValidUntil);

public sealed record MeSchoolEntry(string SchoolId, string SchoolName, string SchoolStatus, IReadOnlyList<string> Roles,
    IReadOnlyList<string> TutorGroups, IReadOnlyList<TrainingView> Training,
    TrainingValidityView PractitionerAccess, TrainingValidityView TutorAccess);

public sealed record MeView(string TenantId, string Oid, bool PlatformAdmin, IReadOnlyList<MeSchoolEntry> Schools)
{
    public static MeView From(Core.UseCases.MeView me, Core.Access.TrainingPolicy policy) => new(
        me.Caller.TenantId, me.Caller.ObjectId, me.Caller.IsPlatformAdmin,
        me.Schools.Select(s => new MeSchoolEntry(s.School.SchoolId, s.School.Name, s.School.Status.ToString().ToLowerInvariant(),
            StaffView.RoleNames(s.Member.Roles), s.Member.TutorGroups,
            s.Member.Training.Select(t => new TrainingView(t.Level, t.CompletedOn, policy.ExpiresOn(t))).ToList(),
            new TrainingValidityView(s.Practitioner.Valid, s.Practitioner.ValidUntil),
            new TrainingValidityView(s.Tutor.Valid, s.Tutor.ValidUntil))).ToList());
}

public sealed record RollResultView(int Added, int Updated, int Unchanged, int Left, IReadOnlyList<RollRejectionView> Rejected)
{
    public static RollResultView From(RollResult r) =>
        new(r.Added, r.Updated, r.Unchanged, r.Left, r.Rejected.Select(x => new RollRejectionView(x.Row, x.Errors)).ToList());
}

public sealed record RollRejectionView(int Row, IReadOnlyList<string> Errors);

public sealed record PupilView(string PupilId, string GivenName, string FamilyName, int YearGroup, string? TutorGroup, string? House,
    PupilStatus Status, bool OptedOut, DateOnly? LeftOn)
{
    public static PupilView From(Pupil p) => new(p.PupilId, p.Identity.GivenName, p.Identity.FamilyName, p.YearGroup, p.TutorGroup,
        p.House, p.Status, p.OptedOut, p.LeftOn);
}

public sealed record ConsentEventView(int Sequence, ConsentDecision Decision, ConsentRequester RequestedBy, DateOnly ReceivedOn,
    string? Note, bool Erase, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record ConsentView(string PupilId, bool OptedOut, bool ErasureRequested, IReadOnlyList<ConsentEventView> History)
{
    public static ConsentView From(ConsentState s) => new(s.PupilId, s.OptedOut, s.ErasureRequested,
        s.History.Select(e => new ConsentEventView(e.Sequence, e.Decision, e.RequestedBy, e.ReceivedOn, e.Note, e.Erase, e.RecordedBy, e.RecordedAt)).ToList());
}

public sealed record AuditEntryView(long Sequence, DateTimeOffset At, string Actor, string Action, string? PupilPseudonym, string SchoolId,
    string Outcome, string Hash, string PreviousHash)
{
    public static AuditEntryView From(AuditEntry e) => new(e.Sequence, e.At, e.Actor, e.Action, e.PupilPseudonym, e.SchoolId, e.Outcome, e.Hash, e.PreviousHash);
}

public sealed record AuditVerifyView(long Entries, bool Valid, long? FirstBrokenAt);
