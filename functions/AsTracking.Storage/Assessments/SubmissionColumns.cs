using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Storage.Keys;
using AsTracking.Storage.Tables;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// A pupil's submission of one round, kept as three properties of the pupil's own entity (R8): a pupil sits at most
/// one assessment a round, so the claim is one conditional write of the entity, and erasing the pupil takes the
/// record (and with it the raw blob's key) in the same delete.
/// <list type="bullet">
/// <item><c>S2026_27_1</c>: the record as written at intake (JSON: submission and session ids, received at, the
/// code's keyed hash, the payload's hash, the raw blob's data key wrapped by the KEK). Never changed.</item>
/// <item><c>S2026_27_1Status</c>: <c>Received</c>, <c>Scored</c> or <c>Failed</c>.</item>
/// <item><c>S2026_27_1Detail</c>: the model version once scored, or why scoring failed.</item>
/// </list>
/// </summary>
internal static class SubmissionColumns
{
    private const char Prefix = 'S';

    public static string Record(string roundKey) => Prefix + roundKey.Replace('-', '_');

    public static string Status(string roundKey) => Record(roundKey) + "Status";

    public static string Detail(string roundKey) => Record(roundKey) + "Detail";

    public static string[] All(string roundKey) => [Record(roundKey), Status(roundKey), Detail(roundKey)];

    /// <summary>The properties a claim merges into the pupil's entity.</summary>
    public static TableEntity Claim(SubmissionRecord r, string codeKey, string payloadHash, WrappedDataKey rawKey) =>
        new(r.SchoolId, RowKeys.Pupil(r.PupilId))
        {
            [Record(r.Round.Key)] = JsonSerializer.Serialize(
                new Written(r.SubmissionId, r.SessionId, r.ReceivedAt, codeKey, payloadHash, rawKey.KekVersion, rawKey.Ciphertext), StorageJson.Options),
            [Status(r.Round.Key)] = SubmissionStatus.Received.ToString(),
            [Detail(r.Round.Key)] = string.Empty,
        };

    /// <summary>The properties that change a submission's status.</summary>
    public static TableEntity StatusChange(string schoolId, string pupilId, AcademicRound round, SubmissionStatus status, string detail) =>
        new(schoolId, RowKeys.Pupil(pupilId))
        {
            [Status(round.Key)] = status.ToString(),
            [Detail(round.Key)] = detail,
        };

    /// <summary>The round's submission on the pupil's entity (read with or without a select), or null.</summary>
    public static (SubmissionRecord Record, Written Written)? Read(TableEntity pupil, string schoolId, string pupilId, AcademicRound round)
    {
        if (pupil.GetString(Record(round.Key)) is not { Length: > 0 } json) return null;
        var written = JsonSerializer.Deserialize<Written>(json, StorageJson.Options) ?? throw new InvalidDataException("Empty submission record.");
        var status = Enum.Parse<SubmissionStatus>(pupil.GetString(Status(round.Key)));
        var detail = pupil.GetString(Detail(round.Key)) is { Length: > 0 } d ? d : null;
        var record = new SubmissionRecord(schoolId, written.SubmissionId, pupilId, written.SessionId, round, written.ReceivedAt, status,
            status == SubmissionStatus.Scored ? detail : null, status == SubmissionStatus.Failed ? detail : null);
        return (record, written);
    }

    /// <summary>Every round's submission on the pupil's entity.</summary>
    public static IEnumerable<SubmissionRecord> ReadAll(TableEntity pupil)
    {
        foreach (var name in pupil.Keys)
        {
            if (name.Length != 10 || name[0] != Prefix || !AcademicRound.TryFromKey(name[1..].Replace('_', '-'), out var round)) continue;
            if (Read(pupil, pupil.PartitionKey, pupil.RowKey[RowKeys.PupilPrefix.Length..], round) is { } found) yield return found.Record;
        }
    }

    /// <summary>The part of a submission record written once, at intake.</summary>
    public sealed record Written(string SubmissionId, string SessionId, DateTimeOffset ReceivedAt, string CodeKey, string PayloadHash,
        string RawKekVersion, string RawKey);
}
