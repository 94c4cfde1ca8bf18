using System.Text.Json;
using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// Results and cohort summaries in the school's partition. Adding a result, updating its summaries (ETag-guarded)
/// and marking the submission scored is one transaction that fails if the result exists, so duplicate and
/// concurrent deliveries leave exactly one result counted once.
/// </summary>
public sealed class TableResultStore(TableProvider tables) : IResultStore
{
    private const int MaxAttempts = 30;

    /// <summary>
    /// Each summary is kept in this many shards, chosen by submission, so concurrent scorers of one school rarely
    /// update the same row; readers add the shards up with one range read.
    /// </summary>
    public const int SummaryShards = 8;

    // Submission ids end in random base32 characters, so their last character spreads evenly over the shards.
    private static int Shard(string submissionId) => submissionId[^1] % SummaryShards;

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

    public async Task<bool> AddAsync(AssessmentResult result, bool counted, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var rowKey = RowKeys.Result(result.PupilId, result.Round.Key, result.ModelVersion);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, ToEntity(result, rowKey, counted)) };
            if (counted) actions.AddRange(await SummaryActionsAsync(table, result, +1, ct).ConfigureAwait(false));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(result.SchoolId, RowKeys.Submission(result.SubmissionId))
            {
                ["Status"] = SubmissionStatus.Scored.ToString(),
                ["ModelVersion"] = result.ModelVersion,
            }, ETag.All));
            try
            {
                await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                if (ex.FailedTransactionActionIndex == 0) return false; // the result exists: a duplicate delivery
                await Backoff(attempt, ct).ConfigureAwait(false);
            }
        }
        throw new InvalidOperationException("The cohort summary kept changing; the scoring message will be retried.");
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
                var result = FromEntity(current);
                var actions = new List<TableTransactionAction>
                {
                    new(TableTransactionActionType.UpdateMerge, new TableEntity(schoolId, current.RowKey) { ["Counted"] = counted }, current.ETag),
                };
                actions.AddRange(await SummaryActionsAsync(table, result, counted ? +1 : -1, ct).ConfigureAwait(false));
                try
                {
                    await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
                {
                    await Backoff(attempt, ct).ConfigureAwait(false);
                    current = (await table.GetEntityAsync<TableEntity>(schoolId, current.RowKey, cancellationToken: ct).ConfigureAwait(false)).Value;
                }
            }
        }
    }

    // The summaries a result counts in, each guarded by the ETag it was read at.
    private static async Task<List<TableTransactionAction>> SummaryActionsAsync(TableClient table, AssessmentResult result, int sign, CancellationToken ct)
    {
        var actions = new List<TableTransactionAction>();
        var shard = Shard(result.SubmissionId);
        var scopes = CohortScope.Of(result.YearGroup, result.TutorGroup);
        // The scopes' shard rows are read together; the transaction then checks each one's ETag.
        var reads = scopes.Select(scope => RowKeys.Summary(result.Round.Key, result.ModelVersion, scope.Key, shard))
            .Select(key => (Key: key, Read: table.GetEntityIfExistsAsync<TableEntity>(result.SchoolId, key, cancellationToken: ct))).ToList();
        foreach (var (summaryKey, read) in reads)
        {
            var existing = await read.ConfigureAwait(false);
            var summary = existing.HasValue ? Read(existing.Value!) : new CohortSummary();
            if (sign > 0) summary.Add(result.Scoring);
            else summary.Remove(result.Scoring);
            var entity = new TableEntity(result.SchoolId, summaryKey) { ["Data"] = JsonSerializer.Serialize(summary, StorageJson.Options) };
            actions.Add(existing.HasValue
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, existing.Value!.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, entity));
        }
        return actions;
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

    private static CohortSummary Read(TableEntity e) =>
        JsonSerializer.Deserialize<CohortSummary>(e.GetString("Data"), StorageJson.Options) ?? new CohortSummary();

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
