using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Core.Scoring;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// Results and cohort summaries in the school's partition. Adding a result, updating its summaries (ETag-guarded)
/// and marking the submission scored is one transaction that fails if the result exists, so duplicate and
/// concurrent deliveries leave exactly one result counted once.
/// <para>
/// Summary rows are not read before each write. A scorer leases one of the school's shards that no other scorer in
/// this instance holds, and takes the rows it will update from <see cref="SummaryRowCache"/>: the round's rows as
/// this instance last read or wrote them, with their ETags. So scorers in one instance never collide, and a row
/// changed by another instance fails its ETag check and only that row is read again.
/// </para>
/// </summary>
public sealed class TableResultStore(TableProvider tables) : IResultStore
{
    private const int MaxAttempts = 30;


    /// <summary>
    /// Each summary is kept in this many shards, so concurrent scorers of one school update different rows; readers
    /// add the shards up with one range read. Any shard may take any result: only the sum is read.
    /// </summary>
    public const int SummaryShards = 8;

    private readonly ShardLeases _leases = new(SummaryShards);
    private readonly SummaryRowCache _cache = new();

    public async Task<IReadOnlyList<AssessmentResult>> ForPupilAsync(string schoolId, string pupilId, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var prefix = RowKeys.ResultPrefix(pupilId);
        var results = new List<AssessmentResult>();
        await foreach (var e in table.QueryPrefixAsync(schoolId, prefix, ct: ct)
            .ConfigureAwait(false))
        {
            results.Add(FromEntity(e));
        }
        return results.OrderBy(r => r.Round.Key, StringComparer.Ordinal).ThenBy(r => r.ScoredAt).ToList();
    }

    public async Task<AssessmentResult?> GetAsync(string schoolId, string pupilId, AcademicRound round, string modelVersion, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.Result(pupilId, round.Key, modelVersion), cancellationToken: ct)
            .ConfigureAwait(false);
        return e.HasValue ? FromEntity(e.Value!) : null;
    }

    public async Task<IReadOnlyList<PolarHistory>> PreviousPolarAsync(string schoolId, string pupilId, AcademicRound round, string modelVersion,
        CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var e = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.Trend(pupilId, modelVersion), cancellationToken: ct)
            .ConfigureAwait(false);
        if (!e.HasValue) return [];
        return TrendRow.Rounds(e.Value!)
            .Where(r => string.CompareOrdinal(r.RoundKey, round.Key) < 0)
            .OrderByDescending(r => r.RoundKey, StringComparer.Ordinal)
            .Select(r => r.Polar)
            .ToList();
    }

    public async Task<bool> AddAsync(AssessmentResult result, bool counted, string? pupilVersion, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var add = new TableTransactionAction(TableTransactionActionType.Add,
            ToEntity(result, RowKeys.Result(result.PupilId, result.Round.Key, result.ModelVersion), counted));
        var tail = new List<TableTransactionAction>
        {
            // The round's polar state joins the pupil's trend row (a merge of one property, so rounds scored at the
            // same time never overwrite each other): the next round reads its history with one point read.
            new(TableTransactionActionType.UpsertMerge, TrendRow.For(result)),
            // The submission, kept on the pupil's entity, is marked scored. Under If-Match at the version the scorer
            // read, an opt-out committed since fails the transaction, so the result cannot be counted for a pupil
            // who has just left every figure (R9).
            new(TableTransactionActionType.UpdateMerge,
                SubmissionColumns.StatusChange(result.SchoolId, result.PupilId, result.Round, SubmissionStatus.Scored, result.ModelVersion),
                pupilVersion is null ? ETag.All : new ETag(pupilVersion)),
        };
        if (!counted)
        {
            try
            {
                await table.SubmitTransactionAsync([add, .. tail], ct).ConfigureAwait(false);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                if (ex.FailedTransactionActionIndex == 0) return false;
                if (pupilVersion is not null && ex.FailedTransactionActionIndex == tail.Count) throw new PupilChangedException();
                throw;
            }
        }
        // False only when the result row exists: a duplicate delivery.
        return await CommitWithSummariesAsync(table, result, +1, add, tail, lastChecksPupil: pupilVersion is not null, ct).ConfigureAwait(false);
    }

    public async Task SetCountedAsync(string schoolId, string pupilId, bool counted, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var prefix = RowKeys.ResultPrefix(pupilId);
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryPrefixAsync(schoolId, prefix, ct: ct)
            .ConfigureAwait(false))
        {
            rows.Add(e);
        }
        foreach (var row in rows)
        {
            var current = row;
            for (int attempt = 0; (current.GetBoolean("Counted") ?? true) != counted; attempt++)
            {
                if (attempt >= MaxAttempts) throw new InvalidOperationException("The cohort summary kept changing; try again.");
                var flag = new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                    new TableEntity(schoolId, current.RowKey) { ["Counted"] = counted }, current.ETag);
                if (await CommitWithSummariesAsync(table, FromEntity(current), counted ? +1 : -1, flag, [], lastChecksPupil: false, ct).ConfigureAwait(false)) break;
                // The result row changed under us: read it again and decide again.
                await Backoff(attempt, ct).ConfigureAwait(false);
                current = (await table.GetEntityAsync<TableEntity>(schoolId, current.RowKey, cancellationToken: ct).ConfigureAwait(false)).Value;
            }
        }
    }

    /// <summary>
    /// Commits <paramref name="first"/>, the result's summary rows in a leased shard (each guarded by its ETag), and
    /// <paramref name="tail"/> in one transaction. Summary conflicts are retried; a conflict on
    /// <paramref name="first"/> returns false with nothing written. When <paramref name="lastChecksPupil"/>, the last
    /// action is a pupil check whose failure throws <see cref="PupilChangedException"/>.
    /// </summary>
    private async Task<bool> CommitWithSummariesAsync(TableClient table, AssessmentResult result, int sign,
        TableTransactionAction first, IReadOnlyList<TableTransactionAction> tail, bool lastChecksPupil, CancellationToken ct)
    {
        var schoolId = result.SchoolId;
        var round = await _cache.RoundAsync(table, schoolId, result.Round.Key, result.ModelVersion, ct).ConfigureAwait(false);
        var shard = await _leases.AcquireAsync(schoolId, ct).ConfigureAwait(false);
        try
        {
            var keys = CohortScope.Of(result.YearGroup, result.TutorGroup)
                .Select(scope => RowKeys.Summary(result.Round.Key, result.ModelVersion, scope.Key, shard)).ToArray();
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var rows = await round.GetAsync(table, schoolId, keys, ct).ConfigureAwait(false);
                var actions = new List<TableTransactionAction>(keys.Length + 2) { first };
                var written = new string[keys.Length];
                for (int i = 0; i < keys.Length; i++)
                {
                    var summary = rows[i].Data is { } data ? Read(data) : new CohortSummary();
                    if (sign > 0) summary.Add(result.Scoring);
                    else summary.Remove(result.Scoring);
                    written[i] = JsonSerializer.Serialize(summary, StorageJson.Options);
                    var entity = new TableEntity(schoolId, keys[i]) { ["Data"] = written[i] };
                    actions.Add(rows[i].ETag is { } etag
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag)
                        : new TableTransactionAction(TableTransactionActionType.Add, entity));
                }
                actions.AddRange(tail);
                try
                {
                    var response = await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                    for (int i = 0; i < keys.Length; i++)
                    {
                        round.Wrote(keys[i], written[i], response.Value.Count == actions.Count ? response.Value[1 + i].Headers.ETag : null);
                    }
                    return true;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
                {
                    if (ex.FailedTransactionActionIndex == 0) return false;
                    if (lastChecksPupil && ex.FailedTransactionActionIndex == actions.Count - 1) throw new PupilChangedException();
                    if (ex.Status == 404) throw;
                    // Another instance changed a summary row (or created it): read that row again, or all if unsure which.
                    var index = ex.FailedTransactionActionIndex is { } failed && failed - 1 < keys.Length ? failed - 1 : -1;
                    if (index >= 0) round.Forget(keys[index]);
                    else foreach (var key in keys) round.Forget(key);
                    if (attempt > 0) await Backoff(attempt, ct).ConfigureAwait(false);
                }
                catch
                {
                    // The outcome is unknown (it may have committed): the rows must be read again.
                    foreach (var key in keys) round.Forget(key);
                    throw;
                }
            }
        }
        finally
        {
            _leases.Release(schoolId, shard);
        }
        throw new InvalidOperationException("The cohort summary kept changing; the scoring message will be retried.");
    }

    private static Task Backoff(int attempt, CancellationToken ct) => Task.Delay(Random.Shared.Next(5, 30 + attempt * 10), ct);

    public async Task<CohortSummary?> SummaryAsync(string schoolId, AcademicRound round, string modelVersion, CohortScope scope, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        CohortSummary? total = null;
        await foreach (var e in table.QueryPrefixAsync(schoolId, RowKeys.SummaryScopePrefix(round.Key, modelVersion, scope.Key), ct: ct).ConfigureAwait(false))
        {
            (total ??= new CohortSummary()).Merge(Read(e));
        }
        return total;
    }

    public async Task<IReadOnlyList<AssessmentResult>> ForRoundAsync(string schoolId, AcademicRound round, string modelVersion, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var results = new List<AssessmentResult>();
        var sameRound = TableClient.CreateQueryFilter($"Round eq {round.Key} and ModelVersion eq {modelVersion}");
        await foreach (var e in table.QueryPrefixAsync(schoolId, "result|", andFilter: sameRound, ct: ct).ConfigureAwait(false))
        {
            results.Add(FromEntity(e));
        }
        return results;
    }

    public async Task<string?> LatestModelVersionAsync(string schoolId, AcademicRound round, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var prefix = RowKeys.SummaryPrefix(round.Key);
        string? latest = null;
        DateTimeOffset latestAt = DateTimeOffset.MinValue;
        await foreach (var e in table.QueryPrefixAsync(schoolId, prefix, select: ["RowKey", "Timestamp"], ct: ct).ConfigureAwait(false))
        {
            var parts = e.RowKey.Split('|');
            if (parts[3] != CohortScope.All.Key) continue;
            // The model most recently scored with is the newest published one (R10: reports show the newest model).
            if (latest is null || e.Timestamp > latestAt) (latest, latestAt) = (parts[2], e.Timestamp ?? DateTimeOffset.MinValue);
        }
        return latest;
    }

    private static CohortSummary Read(TableEntity e) => Read(e.GetString("Data"));

    private static CohortSummary Read(string data) =>
        JsonSerializer.Deserialize<CohortSummary>(data, StorageJson.Options) ?? new CohortSummary();

    private static TableEntity ToEntity(AssessmentResult r, string rowKey, bool counted) => new(r.SchoolId, rowKey)
    {
        ["Counted"] = counted,
        ["PupilId"] = r.PupilId,
        ["SubmissionId"] = r.SubmissionId,
        ["Round"] = r.Round.Key,
        ["ModelVersion"] = r.ModelVersion,
        ["ScoredAt"] = r.ScoredAt,
        ["YearGroup"] = r.YearGroup,
        ["TutorGroup"] = r.TutorGroup ?? string.Empty,
        ["Priority"] = (int)r.Scoring.Priority,
        ["SummedSeverity"] = r.Scoring.SummedSeverity,
        ["Data"] = JsonSerializer.Serialize(StoredResult.From(r.Scoring), StorageJson.Options),
    };

    private static AssessmentResult FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("PupilId"),
        e.GetString("SubmissionId"),
        AcademicRound.FromKey(e.GetString("Round")),
        e.GetDateTimeOffset("ScoredAt") ?? DateTimeOffset.MinValue,
        e.GetInt32("YearGroup") ?? 0,
        string.IsNullOrEmpty(e.GetString("TutorGroup")) ? null : e.GetString("TutorGroup"),
        (JsonSerializer.Deserialize<StoredResult>(e.GetString("Data"), StorageJson.Options) ?? throw new InvalidDataException("Empty result.")).ToResult());
}
