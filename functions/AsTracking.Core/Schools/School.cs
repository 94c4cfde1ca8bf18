namespace AsTracking.Core.Schools;

public enum SchoolStatus { Active, Suspended }

public enum AccreditationStatus { Pending, Accredited, Lapsed }

public sealed record Accreditation(AccreditationStatus Status, IReadOnlyList<string> Areas);

/// <summary>A user school (R1): registered by a platform admin with a signed code of conduct.</summary>
public sealed record School(
    string SchoolId,
    string Name,
    string? DfeNumber,
    DateOnly CodeOfConductSignedOn,
    string CodeOfConductSignedBy,
    SchoolStatus Status,
    Accreditation? Accreditation,
    DateTimeOffset UpdatedAt)
{
    public bool IsActive => Status == SchoolStatus.Active;
}
