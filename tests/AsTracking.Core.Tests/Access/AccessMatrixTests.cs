using AsTracking.Core.Access;
using AsTracking.Core.Errors;
using AsTracking.Core.Schools;
using AsTracking.Core.Staff;
using AsTracking.Core.Tests.Fakes;

namespace AsTracking.Core.Tests.Access;

/// <summary>
/// Every role × capability row of the contract built so far (R2, R3, R5). "ok" = whole school, "groups" = own
/// tutor groups only, "forbidden"/"training-required" = 403 with that code, "not-found" = 404.
/// </summary>
public class AccessMatrixTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private const string SchoolId = "oakfield";
    private const string Tenant = "a5a5a5a5-0000-4000-8000-0000000000aa";

    public enum Who { SchoolAdmin, TrainedPractitioner, UntrainedPractitioner, TrainedTutor, UntrainedTutor, TutorWithPractitionerTraining, Dpo, OtherSchoolStaff, PlatformAdmin, Stranger }

    [Theory]
    // ReadSchool: any staff of the school, and platform admins.
    [InlineData(Capability.ReadSchool, Who.SchoolAdmin, "ok")]
    [InlineData(Capability.ReadSchool, Who.UntrainedPractitioner, "ok")]
    [InlineData(Capability.ReadSchool, Who.UntrainedTutor, "ok")]
    [InlineData(Capability.ReadSchool, Who.Dpo, "ok")]
    [InlineData(Capability.ReadSchool, Who.PlatformAdmin, "ok")]
    [InlineData(Capability.ReadSchool, Who.OtherSchoolStaff, "not-found")]
    [InlineData(Capability.ReadSchool, Who.Stranger, "not-found")]
    // ManageStaff: SchoolAdmin and platform admins.
    [InlineData(Capability.ManageStaff, Who.SchoolAdmin, "ok")]
    [InlineData(Capability.ManageStaff, Who.PlatformAdmin, "ok")]
    [InlineData(Capability.ManageStaff, Who.TrainedPractitioner, "forbidden")]
    [InlineData(Capability.ManageStaff, Who.Dpo, "forbidden")]
    [InlineData(Capability.ManageStaff, Who.OtherSchoolStaff, "not-found")]
    // ManageRoll: SchoolAdmin only; platform admins never touch pupil data.
    [InlineData(Capability.ManageRoll, Who.SchoolAdmin, "ok")]
    [InlineData(Capability.ManageRoll, Who.TrainedPractitioner, "forbidden")]
    [InlineData(Capability.ManageRoll, Who.TrainedTutor, "forbidden")]
    [InlineData(Capability.ManageRoll, Who.Dpo, "forbidden")]
    [InlineData(Capability.ManageRoll, Who.PlatformAdmin, "forbidden")]
    [InlineData(Capability.ManageRoll, Who.OtherSchoolStaff, "not-found")]
    // ListPupils: SchoolAdmin, trained Practitioner; trained Tutor for own groups.
    [InlineData(Capability.ListPupils, Who.SchoolAdmin, "ok")]
    [InlineData(Capability.ListPupils, Who.TrainedPractitioner, "ok")]
    [InlineData(Capability.ListPupils, Who.UntrainedPractitioner, "training-required")]
    [InlineData(Capability.ListPupils, Who.TrainedTutor, "groups")]
    [InlineData(Capability.ListPupils, Who.TutorWithPractitionerTraining, "groups")]
    [InlineData(Capability.ListPupils, Who.UntrainedTutor, "training-required")]
    [InlineData(Capability.ListPupils, Who.Dpo, "forbidden")]
    [InlineData(Capability.ListPupils, Who.PlatformAdmin, "forbidden")]
    [InlineData(Capability.ListPupils, Who.OtherSchoolStaff, "not-found")]
    // RecordConsent: SchoolAdmin, trained Practitioner.
    [InlineData(Capability.RecordConsent, Who.SchoolAdmin, "ok")]
    [InlineData(Capability.RecordConsent, Who.TrainedPractitioner, "ok")]
    [InlineData(Capability.RecordConsent, Who.UntrainedPractitioner, "training-required")]
    [InlineData(Capability.RecordConsent, Who.TrainedTutor, "forbidden")]
    [InlineData(Capability.RecordConsent, Who.Dpo, "forbidden")]
    [InlineData(Capability.RecordConsent, Who.OtherSchoolStaff, "not-found")]
    // ReadConsent: SchoolAdmin, trained Practitioner, DataProtectionOfficer.
    [InlineData(Capability.ReadConsent, Who.SchoolAdmin, "ok")]
    [InlineData(Capability.ReadConsent, Who.TrainedPractitioner, "ok")]
    [InlineData(Capability.ReadConsent, Who.UntrainedPractitioner, "training-required")]
    [InlineData(Capability.ReadConsent, Who.Dpo, "ok")]
    [InlineData(Capability.ReadConsent, Who.TrainedTutor, "forbidden")]
    [InlineData(Capability.ReadConsent, Who.OtherSchoolStaff, "not-found")]
    // ReadAudit: DataProtectionOfficer only.
    [InlineData(Capability.ReadAudit, Who.Dpo, "ok")]
    [InlineData(Capability.ReadAudit, Who.SchoolAdmin, "forbidden")]
    [InlineData(Capability.ReadAudit, Who.TrainedPractitioner, "forbidden")]
    [InlineData(Capability.ReadAudit, Who.PlatformAdmin, "forbidden")]
    [InlineData(Capability.ReadAudit, Who.OtherSchoolStaff, "not-found")]
    // OpenSessions: trained Practitioner; trained Tutor for own groups (R7).
    [InlineData(Capability.OpenSessions, Who.TrainedPractitioner, "ok")]
    [InlineData(Capability.OpenSessions, Who.UntrainedPractitioner, "training-required")]
    [InlineData(Capability.OpenSessions, Who.TrainedTutor, "groups")]
    [InlineData(Capability.OpenSessions, Who.UntrainedTutor, "training-required")]
    [InlineData(Capability.OpenSessions, Who.SchoolAdmin, "forbidden")]
    [InlineData(Capability.OpenSessions, Who.PlatformAdmin, "forbidden")]
    [InlineData(Capability.OpenSessions, Who.OtherSchoolStaff, "not-found")]
    // ReadPupilReports: trained Practitioner; trained Tutor for own groups (R2, R12).
    [InlineData(Capability.ReadPupilReports, Who.TrainedPractitioner, "ok")]
    [InlineData(Capability.ReadPupilReports, Who.UntrainedPractitioner, "training-required")]
    [InlineData(Capability.ReadPupilReports, Who.TrainedTutor, "groups")]
    [InlineData(Capability.ReadPupilReports, Who.TutorWithPractitionerTraining, "groups")]
    [InlineData(Capability.ReadPupilReports, Who.SchoolAdmin, "forbidden")]
    [InlineData(Capability.ReadPupilReports, Who.Dpo, "forbidden")]
    [InlineData(Capability.ReadPupilReports, Who.PlatformAdmin, "forbidden")]
    [InlineData(Capability.ReadPupilReports, Who.OtherSchoolStaff, "not-found")]
    // ReadCohort (cohort and priority): trained Practitioner only.
    [InlineData(Capability.ReadCohort, Who.TrainedPractitioner, "ok")]
    [InlineData(Capability.ReadCohort, Who.UntrainedPractitioner, "training-required")]
    [InlineData(Capability.ReadCohort, Who.TrainedTutor, "forbidden")]
    [InlineData(Capability.ReadCohort, Who.SchoolAdmin, "forbidden")]
    [InlineData(Capability.ReadCohort, Who.OtherSchoolStaff, "not-found")]
    // ReadNotifications: trained Practitioner, SchoolAdmin.
    [InlineData(Capability.ReadNotifications, Who.TrainedPractitioner, "ok")]
    [InlineData(Capability.ReadNotifications, Who.SchoolAdmin, "ok")]
    [InlineData(Capability.ReadNotifications, Who.UntrainedPractitioner, "training-required")]
    [InlineData(Capability.ReadNotifications, Who.TrainedTutor, "forbidden")]
    [InlineData(Capability.ReadNotifications, Who.OtherSchoolStaff, "not-found")]
    public async Task Role_and_capability_give_the_contract_outcome_R2_R3_R5(Capability capability, Who who, string expected)
    {
        var (access, caller, audit) = Setup(who);
        string outcome;
        try
        {
            var grant = await access.AuthorizeAsync(caller, SchoolId, capability, default);
            outcome = grant.IsLimitedToTutorGroups ? "groups" : "ok";
            if (outcome == "groups")
            {
                Assert.True(grant.CoversTutorGroup("8A"));
                Assert.False(grant.CoversTutorGroup("9B"));
            }
        }
        catch (DomainException ex)
        {
            outcome = ex.Code;
            if (ex is ForbiddenException)
            {
                Assert.Contains(audit.Records, r => r.Outcome == $"denied:{ex.Code}" && r.PupilId is null);
            }
        }
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public async Task Missing_school_and_other_school_answer_the_same_404_R5()
    {
        var (access, caller, _) = Setup(Who.TrainedPractitioner);
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => access.AuthorizeAsync(caller, "no-such-school", Capability.ListPupils, default));
        var (otherAccess, otherCaller, _) = Setup(Who.OtherSchoolStaff);
        var other = await Assert.ThrowsAsync<NotFoundException>(() => otherAccess.AuthorizeAsync(otherCaller, SchoolId, Capability.ListPupils, default));
        Assert.Equal((missing.Status, missing.Code, missing.Message), (other.Status, other.Code, other.Message));
    }

    [Theory]
    [InlineData(23, true)]
    [InlineData(24, false)]
    [InlineData(30, false)]
    public async Task Practitioner_training_is_valid_for_24_months_R2(int monthsAgo, bool valid)
    {
        var (access, caller, _) = Setup(Who.TrainedPractitioner, DateOnly.FromDateTime(Now.UtcDateTime).AddMonths(-monthsAgo));
        var attempt = () => access.AuthorizeAsync(caller, SchoolId, Capability.ListPupils, default);
        if (valid) await attempt();
        else Assert.Equal(ErrorCodes.TrainingRequired, (await Assert.ThrowsAsync<ForbiddenException>(attempt)).Code);
    }

    private static (AccessService Access, Caller Caller, RecordingAudit Audit) Setup(Who who, DateOnly? trainedOn = null)
    {
        var schools = new InMemorySchools();
        schools.Items[SchoolId] = new School(SchoolId, "Oakfield", null, new DateOnly(2026, 9, 1), "Head", SchoolStatus.Active, null, Now);
        schools.Items["elmwood"] = new School("elmwood", "Elmwood", null, new DateOnly(2026, 9, 1), "Head", SchoolStatus.Active, null, Now);
        var staff = new InMemoryStaff();
        var audit = new RecordingAudit();
        var oid = Guid.NewGuid().ToString();
        var recent = trainedOn ?? DateOnly.FromDateTime(Now.UtcDateTime).AddMonths(-2);
        var expired = DateOnly.FromDateTime(Now.UtcDateTime).AddMonths(-30);
        TrainingRecord[] practitioner = [new(TrainingLevel.Practitioner, recent)];
        StaffMember Member(string school, StaffRoles roles, TrainingRecord[] training) =>
            new(school, Tenant, oid, "Staff", roles, training, ["8A"], Now);
        var caller = new Caller(Tenant, oid, who == Who.PlatformAdmin);
        switch (who)
        {
            case Who.SchoolAdmin: staff.Items.Add(Member(SchoolId, StaffRoles.SchoolAdmin, [])); break;
            case Who.TrainedPractitioner: staff.Items.Add(Member(SchoolId, StaffRoles.Practitioner, practitioner)); break;
            case Who.UntrainedPractitioner: staff.Items.Add(Member(SchoolId, StaffRoles.Practitioner, [new(TrainingLevel.Practitioner, expired)])); break;
            case Who.TrainedTutor: staff.Items.Add(Member(SchoolId, StaffRoles.Tutor, [new(TrainingLevel.Tutor, recent)])); break;
            case Who.TutorWithPractitionerTraining: staff.Items.Add(Member(SchoolId, StaffRoles.Tutor, practitioner)); break;
            case Who.UntrainedTutor: staff.Items.Add(Member(SchoolId, StaffRoles.Tutor, [])); break;
            case Who.Dpo: staff.Items.Add(Member(SchoolId, StaffRoles.DataProtectionOfficer, [])); break;
            case Who.OtherSchoolStaff: staff.Items.Add(Member("elmwood", StaffRoles.SchoolAdmin | StaffRoles.Practitioner | StaffRoles.DataProtectionOfficer, practitioner)); break;
        }
        var access = new AccessService(schools, staff, new TrainingPolicy(), audit, new FixedClock(Now));
        return (access, caller, audit);
    }
}
