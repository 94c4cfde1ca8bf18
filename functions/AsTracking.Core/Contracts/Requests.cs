namespace AsTracking.Core.Contracts;

// Request bodies as they arrive. Every property is nullable so that a missing field becomes a clear
// per-field validation error instead of a default value.

public sealed class SchoolRequest
{
    public string? Name { get; set; }
    public string? DfeNumber { get; set; }
    public DateOnly? CodeOfConductSignedOn { get; set; }
    public string? CodeOfConductSignedBy { get; set; }
    public Schools.SchoolStatus? Status { get; set; }
    public AccreditationRequest? Accreditation { get; set; }
}

public sealed class AccreditationRequest
{
    public Schools.AccreditationStatus? Status { get; set; }
    public List<string>? Areas { get; set; }
}

public sealed class StaffRequest
{
    public string? TenantId { get; set; }
    public string? DisplayName { get; set; }
    public List<StaffRoleName>? Roles { get; set; }
    public List<TrainingRequest>? Training { get; set; }
    public List<string>? TutorGroups { get; set; }
}

public enum StaffRoleName { SchoolAdmin, Practitioner, Tutor, DataProtectionOfficer }

public sealed class TrainingRequest
{
    public Staff.TrainingLevel? Level { get; set; }
    public DateOnly? CompletedOn { get; set; }
}

public sealed class ConsentRequest
{
    public Consent.ConsentDecision? Decision { get; set; }
    public Consent.ConsentRequester? RequestedBy { get; set; }
    public DateOnly? ReceivedOn { get; set; }
    public string? Note { get; set; }
    public bool? Erase { get; set; }
}

public sealed class SessionRequest
{
    public string? AcademicYear { get; set; }
    public int? Round { get; set; }
    public List<string>? PupilIds { get; set; }
    public string? TutorGroup { get; set; }
    public int? YearGroup { get; set; }
    public DateTimeOffset? ClosesAt { get; set; }
}
