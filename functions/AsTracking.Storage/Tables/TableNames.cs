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
    public const string CodesTable = "Codes";
    public const string RateLimitsTable = "RateLimits";

    public const string RollImportsContainer = "roll-imports";
    public const string SubmissionsContainer = "submissions";

    public const string ScoringQueue = "assessment-scoring";
    public const string AlertsQueue = "pastoral-alerts";
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

    public static string Session(string sessionId) => $"session|{sessionId}";
    public static string Result(string pupilId, string roundKey, string modelVersion) => $"result|{pupilId}|{roundKey}|{modelVersion}";
    public static string ResultPrefix(string pupilId) => $"result|{pupilId}|";
    public static string Trend(string pupilId, string modelVersion) => $"trend|{pupilId}|{modelVersion}";
    public static string Summary(string roundKey, string modelVersion, string scope, int shard) => $"summary|{roundKey}|{modelVersion}|{scope}|{shard}";
    public static string SummaryScopePrefix(string roundKey, string modelVersion, string scope) => $"summary|{roundKey}|{modelVersion}|{scope}|";
    public static string SummaryModelPrefix(string roundKey, string modelVersion) => $"summary|{roundKey}|{modelVersion}|";
    public static string SummaryPrefix(string roundKey) => $"summary|{roundKey}|";
    public static string Notification(string id) => $"notify|{id}";
    public const string NotificationPrefix = "notify|";

    public const string PupilPrefix = "pupil|";
    public const string PupilKeyPrefix = "pkey|";

    /// <summary>The exclusive upper bound of a prefix range ('|' + 1 is '}').</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + "}";
}
