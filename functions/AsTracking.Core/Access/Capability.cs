namespace AsTracking.Core.Access;

/// <summary>What a request wants to do inside one school. Each maps to a row of the contract's "who" column.</summary>
public enum Capability
{
    ReadSchool,
    ManageStaff,
    ManageRoll,
    ListPupils,
    RecordConsent,
    ReadConsent,
    ReadAudit,
    ReadPupilReports,
    OpenSessions,
    ReadCohort,
    ReadNotifications,
    ManageTransfers,
    RecordDialogues,
}
