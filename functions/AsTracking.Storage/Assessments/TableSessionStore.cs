using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Storage.Tables;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// Codes live in their own table under PartitionKey = keyed hash of the code, because the anonymous intake knows
/// only the code; the session itself sits in the school's partition. The code is never stored (R7). The RowKey
/// repeats the hash rather than a constant: Azurite looks a point read up by RowKey first, so a constant RowKey
/// made every code read a scan of every code issued.
/// </summary>
public sealed class TableSessionStore(TableProvider tables) : ISessionStore
{
    public async Task CreateAsync(AssessmentSession session, IReadOnlyList<IssuedCode> codes, CancellationToken ct)
    {
        var codesTable = await tables.GetAsync(StorageNames.CodesTable, ct).ConfigureAwait(false);
        // Each code is its own partition; writes run a few at a time rather than one by one.
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (code, token) =>
            await codesTable.AddEntityAsync(new TableEntity(code.CodeKey, code.CodeKey)
            {
                ["SchoolId"] = session.SchoolId,
                ["SessionId"] = session.SessionId,
                ["PupilId"] = code.PupilId,
                ["Round"] = session.Round.Key,
                ["ClosesAt"] = session.ClosesAt,
                ["PupilVersion"] = code.PupilVersion ?? string.Empty,
            }, token).ConfigureAwait(false)).ConfigureAwait(false);

        var schools = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        await schools.AddEntityAsync(new TableEntity(session.SchoolId, RowKeys.Session(session.SessionId))
        {
            ["Round"] = session.Round.Key,
            ["OpenedAt"] = session.OpenedAt,
            ["ClosesAt"] = session.ClosesAt,
            ["OpenedBy"] = session.OpenedBy,
            ["CodeCount"] = session.CodeCount,
        }, ct).ConfigureAwait(false);
    }

    public async Task<AssessmentCode?> FindCodeAsync(string codeKey, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.CodesTable, ct).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(codeKey, codeKey, cancellationToken: ct).ConfigureAwait(false);
        if (!e.HasValue) return null;
        var v = e.Value!;
        return new AssessmentCode(codeKey, v.GetString("SchoolId"), v.GetString("SessionId"), v.GetString("PupilId"),
            AcademicRound.FromKey(v.GetString("Round")), v.GetDateTimeOffset("ClosesAt") ?? DateTimeOffset.MinValue,
            string.IsNullOrEmpty(v.GetString("PupilVersion")) ? null : v.GetString("PupilVersion"));
    }

    public async Task<IReadOnlySet<string>> AssessedPupilsAsync(string schoolId, AcademicRound round, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        // A pupil's submissions live on the pupil's entity: the pupils whose entity has one for the round.
        var status = SubmissionColumns.Status(round.Key);
        var result = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryPrefixAsync(schoolId, RowKeys.PupilPrefix, select: ["RowKey", status], ct: ct).ConfigureAwait(false))
        {
            if (e.GetString(status) is { Length: > 0 }) result.Add(e.RowKey[RowKeys.PupilPrefix.Length..]);
        }
        return result;
    }
}
