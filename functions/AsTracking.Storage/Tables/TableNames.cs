namespace AsTracking.Storage.Tables;

/// <summary>
/// Table, container and queue names. Every school-owned entity lives in the "Schools" table under
/// PartitionKey = schoolId, so a school's reads stay in one partition and related writes can share a transaction.
/// </summary>
public static class StorageNames
{
    public const string SchoolsTable = "Schools";
    public const string StaffIndexTable = "StaffIndex";
    public const string DueIndexTable = "DueIndex";
    public const string AuditTable = "Audit";

    public const string RollImportsContainer = "roll-imports";
}

/// <summary>RowKey prefixes inside a school's partition. Keys hold only opaque ids and keyed hashes (R19).</summary>
public static class RowKeys
{
    public const string Profile = "profile";
    public const string RollState = "roll|state";

    public static string Staff(string tenantId, string objectId) => $"staff|{tenantId}|{objectId}";
    public static string Pupil(string pupilId) => $"pupil|{pupilId}";
    public static string PupilKey(string pupilId) => $"pkey|{pupilId}";
    public static string UpnIndex(string upnKey) => $"upn|{upnKey}";
    public static string Consent(string pupilId, int sequence) => $"consent|{pupilId}|{sequence:D6}";

    public const string PupilPrefix = "pupil|";
    public const string PupilKeyPrefix = "pkey|";

    /// <summary>The exclusive upper bound of a prefix range ('|' + 1 is '}').</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + "}";
}
