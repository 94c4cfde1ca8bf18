using System.Collections.Concurrent;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// Cohort summary rows as this instance last read or wrote them, with their ETags, per school, round and model
/// version, so a summary write needs no read first. A round is loaded with one range read when first used; a row
/// that a loaded round does not hold did not exist then and is added without a read. The ETag (or the add) still
/// guards every write, so a stale row only fails the transaction, and the writer forgets and reads that row.
/// At most <see cref="MaxRounds"/> rounds are kept; the least recently used go first.
/// </summary>
internal sealed class SummaryRowCache
{
    public const int MaxRounds = 64;

    private readonly ConcurrentDictionary<(string School, string Round, string Model), Lazy<Task<RoundRows>>> _rounds = new();

    public async Task<RoundRows> RoundAsync(TableClient table, string schoolId, string roundKey, string modelVersion, CancellationToken ct)
    {
        var id = (schoolId, roundKey, modelVersion);
        var load = _rounds.GetOrAdd(id, _ => new Lazy<Task<RoundRows>>(() => RoundRows.LoadAsync(table, schoolId, roundKey, modelVersion, ct)));
        RoundRows rows;
        try
        {
            rows = await load.Value.ConfigureAwait(false);
        }
        catch
        {
            _rounds.TryRemove(new KeyValuePair<(string, string, string), Lazy<Task<RoundRows>>>(id, load)); // not cached: the next writer loads again
            throw;
        }
        rows.LastUsed = Environment.TickCount64;
        if (_rounds.Count > MaxRounds) DropLeastRecentlyUsed();
        return rows;
    }

    private void DropLeastRecentlyUsed()
    {
        var oldest = _rounds
            .Where(r => r.Value.IsValueCreated && r.Value.Value.IsCompletedSuccessfully)
            .OrderBy(r => r.Value.Value.Result.LastUsed)
            .Take(_rounds.Count - MaxRounds)
            .ToList();
        foreach (var round in oldest) _rounds.TryRemove(round);
    }
}

/// <summary>One round's summary rows (all scopes and shards) as last seen; a missing row did not exist at load.</summary>
internal sealed class RoundRows
{
    private readonly ConcurrentDictionary<string, SummaryRow> _rows;

    private RoundRows(ConcurrentDictionary<string, SummaryRow> rows) => _rows = rows;

    public long LastUsed { get; set; }

    public static async Task<RoundRows> LoadAsync(TableClient table, string schoolId, string roundKey, string modelVersion, CancellationToken ct)
    {
        var rows = new ConcurrentDictionary<string, SummaryRow>(StringComparer.Ordinal);
        await foreach (var e in table.QueryPrefixAsync(schoolId, RowKeys.SummaryModelPrefix(roundKey, modelVersion), select: ["RowKey", "Data"], ct: ct).ConfigureAwait(false))
        {
            rows[e.RowKey] = new SummaryRow(true, e.GetString("Data"), e.ETag);
        }
        return new RoundRows(rows);
    }

    /// <summary>The rows as last seen; rows forgotten since are read again first, in parallel.</summary>
    public async Task<SummaryRow[]> GetAsync(TableClient table, string schoolId, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var rows = new SummaryRow[keys.Count];
        List<Task>? reads = null;
        for (int i = 0; i < keys.Count; i++)
        {
            rows[i] = _rows.GetValueOrDefault(keys[i], SummaryRow.Absent);
            if (!rows[i].Known) (reads ??= []).Add(ReadAsync(i));
        }
        if (reads is not null) await Task.WhenAll(reads).ConfigureAwait(false);
        return rows;

        async Task ReadAsync(int i)
        {
            var e = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, keys[i], select: ["Data"], cancellationToken: ct).ConfigureAwait(false);
            rows[i] = _rows[keys[i]] = e.HasValue ? new SummaryRow(true, e.Value!.GetString("Data"), e.Value.ETag) : SummaryRow.Absent;
        }
    }

    /// <summary>Records a committed write; without the new ETag the row is read again before its next write.</summary>
    public void Wrote(string key, string data, ETag? etag) => _rows[key] = etag is { } e ? new SummaryRow(true, data, e) : SummaryRow.Unknown;

    /// <summary>The row may have changed (a failed ETag check, or a write of unknown outcome): read it before the next write.</summary>
    public void Forget(string key) => _rows[key] = SummaryRow.Unknown;
}

/// <summary>A summary row as last seen: <see cref="Data"/> null means it does not exist; not <see cref="Known"/> means read it.</summary>
internal readonly record struct SummaryRow(bool Known, string? Data, ETag? ETag)
{
    public static SummaryRow Absent => new(true, null, null);

    public static SummaryRow Unknown => new(false, null, null);
}
