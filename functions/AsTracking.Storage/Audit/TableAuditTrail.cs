using System.Collections.Concurrent;
using System.Globalization;
using AsTracking.Core.Audit;
using AsTracking.Core.Ports;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Audit;

/// <summary>
/// The hash-chained audit trail (R18) on Azure Table Storage.
/// <list type="bullet">
/// <item>PartitionKey = school id, so a school's whole trail lives in one partition and can be written in
/// entity-group transactions.</item>
/// <item>Entries have RowKey <c>e</c> + the sequence zero-padded to 19 digits, so storage order is chain order.</item>
/// <item>A head entity (RowKey <c>head</c>) holds the last sequence and hash. Every append adds its entries and
/// replaces the head (with the ETag it read) in one transaction, so two concurrent appenders can never both
/// extend the same head: the loser gets 409/412, re-reads the head and retries. The chain never forks.</item>
/// <item>Appends to one school from this instance take turns (group commit): whoever holds the turn writes every
/// append waiting for it, up to one transaction, and keeps the head it wrote (with its new ETag), so appenders in
/// one instance neither race each other nor re-read the head. A head moved by another instance fails the ETag
/// check, and only then is the head read again.</item>
/// <item>An append with a once-key also adds the row <c>once|{key}</c> in its transaction, so a repeat of it (a
/// redelivered message, a retried request whose first try committed) fails on that row and adds nothing.</item>
/// <item>Pupils appear only as a keyed pseudonym, and only as a property, never in a key (R19).</item>
/// </list>
/// The table is created lazily, once per instance.
/// </summary>
public sealed class TableAuditTrail : IAuditTrail
{
    /// <summary>Entity-group transactions hold at most 100 operations: 99 entries plus the head.</summary>
    public const int MaxEntriesPerTransaction = 99;

    /// <summary>How many times an append re-reads the head after losing a race before giving up.</summary>
    public const int MaxAttempts = 50;

    internal const string HeadRowKey = "head";
    private const string WriterProperty = "Writer";
    internal const string OncePrefix = "once|";
    internal const string EntryPrefix = "e";
    internal const string FirstEntryRowKey = "e0000000000000000000";
    internal const string LastEntryRowKey = "e9999999999999999999";

    private readonly TableClient _table;
    private readonly IPseudonymizer _pseudonymizer;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _tableReady;
    private readonly ConcurrentDictionary<string, SchoolChain> _chains = new(StringComparer.Ordinal);

    public TableAuditTrail(TableClient table, IPseudonymizer pseudonymizer, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        ArgumentNullException.ThrowIfNull(clock);
        _table = table;
        _pseudonymizer = pseudonymizer;
        _clock = clock;
    }

    public Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        return AppendManyAsync([record], ct);
    }

    public async Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var pending = await PseudonymiseAsync(records, ct).ConfigureAwait(false);

        foreach (var school in pending.GroupBy(p => p.Record.SchoolId, StringComparer.Ordinal))
        {
            var list = school.ToList();
            for (int start = 0; start < list.Count; start += MaxEntriesPerTransaction)
            {
                var chunk = list.GetRange(start, Math.Min(MaxEntriesPerTransaction, list.Count - start));
                await AppendInTurnAsync(school.Key, new Append(chunk, null), ct).ConfigureAwait(false);
            }
        }
    }

    public async Task<bool> AppendOnceAsync(string onceKey, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (!IsValidOnceKey(onceKey))
        {
            throw new ArgumentException("A once-key is 1-200 characters: letters, digits, '|', '@', '.', '-' or '_'.", nameof(onceKey));
        }
        // The once-row shares the transaction with the entries and the head.
        if (records.Count is 0 or > MaxEntriesPerTransaction - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(records), $"A once-append holds 1-{MaxEntriesPerTransaction - 1} records.");
        }
        var schoolId = records[0]?.SchoolId;
        ArgumentException.ThrowIfNullOrEmpty(schoolId);
        if (records.Any(r => r?.SchoolId != schoolId))
        {
            throw new ArgumentException("A once-append holds records of one school.", nameof(records));
        }
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var pending = await PseudonymiseAsync(records, ct).ConfigureAwait(false);
        return await AppendInTurnAsync(schoolId, new Append(pending, onceKey), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string schoolId, string? pupilId, DateTimeOffset? fromTime,
        DateTimeOffset? toTime, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(schoolId);
        await EnsureTableAsync(ct).ConfigureAwait(false);

        var filter = EntriesFilter(schoolId);
        if (pupilId is not null)
        {
            var pseudonym = await _pseudonymizer.PupilPseudonymAsync(schoolId, pupilId, ct).ConfigureAwait(false);
            filter += " and " + TableClient.CreateQueryFilter($"PupilPseudonym eq {pseudonym}");
        }
        if (fromTime is { } from)
        {
            filter += " and " + TableClient.CreateQueryFilter($"At ge {from.ToUniversalTime()}");
        }
        if (toTime is { } to)
        {
            filter += " and " + TableClient.CreateQueryFilter($"At le {to.ToUniversalTime()}");
        }

        var entries = new List<AuditEntry>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            entries.Add(ToEntry(entity));
        }
        // The service returns a partition in RowKey order, which is sequence order; sort anyway to be explicit.
        entries.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return entries;
    }

    public async Task<AuditVerification> VerifyAsync(string schoolId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(schoolId);
        await EnsureTableAsync(ct).ConfigureAwait(false);

        // Head first: entries and head are written together, so every entry committed before this read is
        // covered by this head, and later appends only add entries past it.
        var head = await ReadHeadAsync(schoolId, ct).ConfigureAwait(false);

        var all = new List<AuditEntry>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(EntriesFilter(schoolId), cancellationToken: ct).ConfigureAwait(false))
        {
            all.Add(ToEntry(entity));
        }

        var covered = all.Where(e => e.Sequence <= head.Sequence).ToList();
        var result = AuditChain.Verify(covered, head.Sequence, head.Hash);
        if (!result.Valid || covered.Count == all.Count)
        {
            return result with { Entries = all.Count };
        }

        // Entries past the first head read: legitimate only if a later head covers them (a concurrent append).
        var latest = await ReadHeadAsync(schoolId, ct).ConfigureAwait(false);
        if (all[^1].Sequence > latest.Sequence)
        {
            return new AuditVerification(all.Count, false, latest.Sequence + 1);
        }
        return result with { Entries = all.Count };
    }

    // Pseudonyms are computed once, outside any retry. Records keep their order.
    private async Task<List<PendingRecord>> PseudonymiseAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        var pending = new List<PendingRecord>(records.Count);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record);
            ArgumentException.ThrowIfNullOrEmpty(record.SchoolId);
            var pseudonym = record.PupilId is null
                ? null
                : await _pseudonymizer.PupilPseudonymAsync(record.SchoolId, record.PupilId, ct).ConfigureAwait(false);
            pending.Add(new PendingRecord(record, pseudonym));
        }
        return pending;
    }

    /// <summary>
    /// Queues the append for its school and waits for a turn. Whoever holds the turn writes the appends waiting
    /// (in order, up to one transaction); an append already written by an earlier turn just returns.
    /// </summary>
    private async Task<bool> AppendInTurnAsync(string schoolId, Append append, CancellationToken ct)
    {
        var chain = _chains.GetOrAdd(schoolId, static id => new SchoolChain(id));
        lock (chain.Waiting) chain.Waiting.Add(append);
        try
        {
            while (!append.Done.Task.IsCompleted)
            {
                await chain.Turn.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (append.Done.Task.IsCompleted) break;
                    var batch = chain.TakeBatch();
                    // The batch carries other callers' appends: one caller giving up (a client that disconnected)
                    // must not fail theirs, so the write itself is not cancelled; the SDK's timeouts bound it.
                    if (batch.Count > 0) await CommitAsync(chain, batch, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    chain.Turn.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Given up while waiting for a turn: withdrawn, unless a turn holder has already taken it.
            lock (chain.Waiting) chain.Waiting.Remove(append);
            throw;
        }
        return await append.Done.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a batch of appends as one chained transaction, on the head this instance last wrote if it has one.
    /// Completes every append of the batch and never throws: each waiting caller gets its own outcome.
    /// </summary>
    private async Task CommitAsync(SchoolChain chain, List<Append> batch, CancellationToken ct)
    {
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                var head = chain.Head ?? await ReadHeadAsync(chain.SchoolId, ct).ConfigureAwait(false);
                chain.Head = null; // unknown until this transaction's outcome is
                var writer = Guid.NewGuid().ToString("N");
                var at = TruncateToMilliseconds(_clock.GetUtcNow());
                var actions = new List<TableTransactionAction>(MaxEntriesPerTransaction + 1);
                var onceRows = new Dictionary<int, Append>();
                long sequence = head.Sequence;
                string previous = head.Hash;
                foreach (var append in batch)
                {
                    if (append.OnceKey is { } key)
                    {
                        onceRows[actions.Count] = append;
                        actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                            new TableEntity(chain.SchoolId, OncePrefix + key) { ["Sequence"] = sequence + 1 }));
                    }
                    foreach (var (record, pseudonym) in append.Records)
                    {
                        sequence++;
                        var hash = AuditChain.ComputeHash(previous, sequence, at, chain.SchoolId, record.Actor, record.Action, pseudonym, record.Outcome);
                        actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                            ToEntity(new AuditEntry(sequence, at, chain.SchoolId, record.Actor, record.Action, pseudonym, record.Outcome, previous, hash))));
                        previous = hash;
                    }
                }

                var newHead = new TableEntity(chain.SchoolId, HeadRowKey)
                {
                    ["Sequence"] = sequence,
                    ["Hash"] = previous,
                    [WriterProperty] = writer,
                };
                actions.Add(head.ETag is { } etag
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, etag)
                    : new TableTransactionAction(TableTransactionActionType.Add, newHead));

                try
                {
                    var response = await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                    // The head's new ETag lets the next turn write without reading it.
                    chain.Head = response.Value.Count == actions.Count && response.Value[^1].Headers.ETag is { } written
                        ? new Head(sequence, previous, written, writer)
                        : null;
                    foreach (var append in batch) append.Done.TrySetResult(true);
                    return;
                }
                catch (RequestFailedException ex) when (IsConcurrencyConflict(ex))
                {
                    // A retry inside the SDK can meet its own first try, committed with its answer lost: the head then
                    // names this transaction as its writer, and writing the entries again would duplicate them. (Equal
                    // entries from another instance can give an equal hash, so the hash alone would not tell.)
                    var current = await ReadHeadAsync(chain.SchoolId, ct).ConfigureAwait(false);
                    if (current.Writer == writer)
                    {
                        chain.Head = current;
                        foreach (var append in batch) append.Done.TrySetResult(true);
                        return;
                    }
                    chain.Head = current.ETag is null ? null : current; // the next try writes on the head just read
                    if (ex is TableTransactionFailedException { FailedTransactionActionIndex: { } failed } && onceRows.TryGetValue(failed, out var repeated))
                    {
                        // This append's once-row exists: its records are already in the trail. The rest of the
                        // batch is tried again at once.
                        repeated.Done.TrySetResult(false);
                        batch.Remove(repeated);
                        if (batch.Count == 0) return;
                        attempt--;
                        continue;
                    }
                    if (attempt >= MaxAttempts)
                    {
                        throw new InvalidOperationException(
                            $"The audit append did not succeed after {MaxAttempts} attempts because of concurrent appends.", ex);
                    }
                    // Another instance moved the head (412) or added the same sequence / the first head (409).
                    // Real time, not the injected clock: the clock only stamps entries.
                    await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var append in batch)
            {
                if (ex is OperationCanceledException oce) append.Done.TrySetCanceled(oce.CancellationToken);
                else append.Done.TrySetException(ex);
            }
        }
    }

    private async Task<Head> ReadHeadAsync(string schoolId, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(schoolId, HeadRowKey, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is null)
        {
            return new Head(0, AuditChain.GenesisHash, null, null);
        }
        var entity = response.Value;
        return new Head(entity.GetInt64("Sequence") ?? 0, entity.GetString("Hash") ?? string.Empty, entity.ETag, entity.GetString(WriterProperty));
    }

    private async Task EnsureTableAsync(CancellationToken ct)
    {
        if (_tableReady) return;
        await _createLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_tableReady) return;
            await _table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            _tableReady = true;
        }
        finally
        {
            _createLock.Release();
        }
    }

    private static string EntriesFilter(string schoolId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {schoolId} and RowKey ge {FirstEntryRowKey} and RowKey le {LastEntryRowKey}");

    internal static string EntryRowKey(long sequence) =>
        EntryPrefix + sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(AuditEntry e)
    {
        var entity = new TableEntity(e.SchoolId, EntryRowKey(e.Sequence))
        {
            ["At"] = e.At,
            ["Actor"] = e.Actor,
            ["Action"] = e.Action,
            ["Outcome"] = e.Outcome,
            ["PreviousHash"] = e.PreviousHash,
            ["Hash"] = e.Hash,
        };
        if (e.PupilPseudonym is not null)
        {
            entity["PupilPseudonym"] = e.PupilPseudonym;
        }
        return entity;
    }

    /// <summary>
    /// Reads an entry tolerantly: a tampered entity with a missing or retyped property still loads, and the
    /// chain check then reports it, rather than the read failing. The sequence comes from the RowKey, the
    /// ordering key; an unparsable RowKey gets -1, which never verifies.
    /// </summary>
    private static AuditEntry ToEntry(TableEntity entity)
    {
        var sequence = entity.RowKey.Length == 20
            && long.TryParse(entity.RowKey.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1;
        var at = entity.TryGetValue("At", out var a) && a is DateTimeOffset d ? d : DateTimeOffset.MinValue;
        return new AuditEntry(
            sequence,
            at,
            entity.PartitionKey,
            Str(entity, "Actor") ?? string.Empty,
            Str(entity, "Action") ?? string.Empty,
            Str(entity, "PupilPseudonym"),
            Str(entity, "Outcome") ?? string.Empty,
            Str(entity, "PreviousHash") ?? string.Empty,
            Str(entity, "Hash") ?? string.Empty);
    }

    private static string? Str(TableEntity entity, string name) =>
        entity.TryGetValue(name, out var value) ? value as string : null;

    /// <summary>Table Storage keeps DateTime to the millisecond at best across implementations; hash what is stored.</summary>
    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    private static bool IsConcurrencyConflict(RequestFailedException ex) => ex.Status is 409 or 412;

    // Table keys forbid '/', '\\', '#', '?' and control characters; a narrow alphabet keeps once-rows plain.
    private static bool IsValidOnceKey(string? key) =>
        key is { Length: > 0 and <= 200 } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '|' or '@' or '.' or '-' or '_');

    private static TimeSpan Backoff(int attempt)
    {
        var ceilingMs = Math.Min(2 << Math.Min(attempt, 6), 100);
        return TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceilingMs + 1));
    }

    private sealed record PendingRecord(AuditRecord Record, string? Pseudonym);

    /// <summary>One caller's records for one transaction, and the outcome it waits for (false: a repeated once-key).</summary>
    private sealed class Append(List<PendingRecord> records, string? onceKey)
    {
        public List<PendingRecord> Records { get; } = records;
        public string? OnceKey { get; } = onceKey;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Operations => Records.Count + (OnceKey is null ? 0 : 1);
    }

    /// <summary>A school's appends waiting in this instance, the turn to write them, and the head last written.</summary>
    private sealed class SchoolChain(string schoolId)
    {
        public string SchoolId { get; } = schoolId;
        public SemaphoreSlim Turn { get; } = new(1, 1);
        public List<Append> Waiting { get; } = [];

        /// <summary>The head as this instance last wrote it; read and written only by the turn holder.</summary>
        public Head? Head { get; set; }

        /// <summary>The oldest waiting appends that fit one transaction beside the head, at least one.</summary>
        public List<Append> TakeBatch()
        {
            lock (Waiting)
            {
                var batch = new List<Append>();
                var operations = 0;
                foreach (var append in Waiting)
                {
                    if (batch.Count > 0 && (operations + append.Operations > MaxEntriesPerTransaction
                        // One transaction cannot add the same once-row twice; the repeat waits for the next turn.
                        || (append.OnceKey is not null && batch.Exists(b => b.OnceKey == append.OnceKey))))
                    {
                        break;
                    }
                    batch.Add(append);
                    operations += append.Operations;
                }
                Waiting.RemoveRange(0, batch.Count);
                return batch;
            }
        }
    }

    /// <summary>The chain's head; <paramref name="Writer"/> names the transaction that wrote it.</summary>
    private sealed record Head(long Sequence, string Hash, ETag? ETag, string? Writer);
}
