using System.Globalization;
using AsTracking.Core.Pupils;
using AsTracking.Storage.Tables;
using Azure.Data.Tables;

namespace AsTracking.Storage.Roll;

/// <summary>
/// Maps pupils to and from table entities. Identity fields are sealed under the pupil's data key with associated
/// data naming the entity and property, so a ciphertext copied elsewhere does not open (R19).
/// Optional values are stored as "" so a merge can clear them.
/// </summary>
internal static class PupilEntities
{
    public const string GivenName = "GivenName";
    public const string FamilyName = "FamilyName";
    public const string Upn = "Upn";
    public const string DateOfBirth = "DateOfBirth";
    public const string UpnKey = "UpnKey";
    public const string OptedOut = "OptedOut";
    public const string ErasureRequested = "ErasureRequested";
    public const string PupilId = "PupilId";

    public static readonly string[] IdentityProperties = [GivenName, FamilyName, Upn, DateOfBirth];

    /// <summary>The plain (never sealed) properties that make up a <see cref="PupilState"/>.</summary>
    public static readonly string[] StateProperties = [PupilId, "Status", OptedOut, "YearGroup", "TutorGroup"];

    public static PupilState StateFromEntity(TableEntity e) => new(
        e.GetString(PupilId),
        Enum.Parse<PupilStatus>(e.GetString("Status")),
        e.GetBoolean(OptedOut) ?? false,
        e.GetInt32("YearGroup") ?? 0,
        Optional(e.GetString("TutorGroup")),
        e.ETag.ToString());

    /// <summary>The roll-owned properties of a pupil; consent flags are never part of a roll write.</summary>
    public static Dictionary<string, object> RollProperties(Pupil p, byte[] dataKey, string upnKey, PupilCrypto crypto)
    {
        var rowKey = RowKeys.Pupil(p.PupilId);
        string Seal(string property, string value) => crypto.Seal(dataKey, p.SchoolId, rowKey, property, value);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [PupilId] = p.PupilId,
            [GivenName] = Seal(GivenName, p.Identity.GivenName),
            [FamilyName] = Seal(FamilyName, p.Identity.FamilyName),
            [Upn] = Seal(Upn, p.Identity.Upn),
            [DateOfBirth] = Seal(DateOfBirth, p.Identity.DateOfBirth.ToString("O", CultureInfo.InvariantCulture)),
            [UpnKey] = upnKey,
            ["YearGroup"] = p.YearGroup,
            ["TutorGroup"] = p.TutorGroup ?? string.Empty,
            ["House"] = p.House ?? string.Empty,
            ["Status"] = p.Status.ToString(),
            ["JoinedOn"] = Date(p.JoinedOn),
            ["LeftOn"] = Date(p.LeftOn),
        };
    }

    public static Pupil FromEntity(TableEntity e, byte[] dataKey, PupilCrypto crypto)
    {
        string Open(string property) => crypto.Open(dataKey, e.PartitionKey, e.RowKey, property, e.GetString(property));
        var identity = new PupilIdentity(
            Open(Upn), Open(GivenName), Open(FamilyName),
            DateOnly.ParseExact(Open(DateOfBirth), "O", CultureInfo.InvariantCulture));
        return new Pupil(
            e.PartitionKey,
            e.GetString(PupilId),
            identity,
            e.GetInt32("YearGroup") ?? 0,
            Optional(e.GetString("TutorGroup")),
            Optional(e.GetString("House")),
            Enum.Parse<PupilStatus>(e.GetString("Status")),
            ParseDate(e.GetString("JoinedOn")),
            ParseDate(e.GetString("LeftOn")),
            e.GetBoolean(OptedOut) ?? false);
    }

    private static string Date(DateOnly? d) => d?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty;

    private static DateOnly? ParseDate(string? s) =>
        string.IsNullOrEmpty(s) ? null : DateOnly.ParseExact(s, "O", CultureInfo.InvariantCulture);

    private static string? Optional(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
