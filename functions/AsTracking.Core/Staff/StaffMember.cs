namespace AsTracking.Core.Staff;

[Flags]
public enum StaffRoles
{
    None = 0,
    SchoolAdmin = 1,
    Practitioner = 2,
    Tutor = 4,
    DataProtectionOfficer = 8,
}

public enum TrainingLevel { Practitioner, Tutor }

public sealed record TrainingRecord(TrainingLevel Level, DateOnly CompletedOn);

/// <summary>A staff member registered by a school admin; (TenantId, ObjectId) come from Entra ID (R4).</summary>
public sealed record StaffMember(
    string SchoolId,
    string TenantId,
    string ObjectId,
    string DisplayName,
    StaffRoles Roles,
    IReadOnlyList<TrainingRecord> Training,
    IReadOnlyList<string> TutorGroups,
    DateTimeOffset UpdatedAt)
{
    public bool Has(StaffRoles role) => (Roles & role) == role;
}
