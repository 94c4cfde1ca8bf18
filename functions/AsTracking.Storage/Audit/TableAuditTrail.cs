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
    internal const string EntryPrefix = "e";
    internal const string FirstEntryRowKey = "e0000000000000000000";
    internal const string LastEntryRowKey = "e9999999999999999999";

    private readonly TableClient _table;
    private readonly IPseudonymizer _pseudonymizer;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _tableReady;

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

        // Pseudonyms are computed once, outside the retry loop. Records keep their order within each school.
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

        foreach (var school in pending.GroupBy(p => p.Record.SchoolId, StringComparer.Ordinal))
        {
            var list = school.ToList();
            for (int start = 0; start < list.Count; start += MaxEntriesPerTransaction)
            {
                var chunk = list.GetRange(start, Math.Min(MaxEntriesPerTransaction, list.Count - start));
                await AppendChunkAsync(school.Key, chunk, ct).ConfigureAwait(false);
            }
        }
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

    private async Task AppendChunkAsync(string schoolId, List<PendingRecord> chunk, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            var head = await ReadHeadAsync(schoolId, ct).ConfigureAwait(false);
            var at = TruncateToMilliseconds(_clock.GetUtcNow());
            var actions = new List<TableTransactionAction>(chunk.Count + 1);
            long sequence = head.Sequence;
            string previous = head.Hash;
            foreach (var (record, pseudonym) in chunk)
            {
                sequence++;
                var hash = AuditChain.ComputeHash(previous, sequence, at, schoolId, record.Actor, record.Action, pseudonym, record.Outcome);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                    ToEntity(new AuditEntry(sequence, at, schoolId, record.Actor, record.Action, pseudonym, record.Outcome, previous, hash))));
                previous = hash;
            }

            var newHead = new TableEntity(schoolId, HeadRowKey)
            {
                ["Sequence"] = sequence,
                ["Hash"] = previous,
            };
            actions.Add(head.ETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, newHead));

            try
            {
                await _table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (IsConcurrencyConflict(ex) && attempt < MaxAttempts)
            {
                // Another appender moved the head (412) or added the same sequence / the first head (409).
                // Real time, not the injected clock: the clock only stamps entries.
                await Task.Delay(Backoff(attempt), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (IsConcurrencyConflict(ex))
            {
                throw new InvalidOperationException(
                    $"The audit append did not succeed after {MaxAttempts} attempts because of concurrent appends.", ex);
            }
        }
    }

    private async Task<Head> ReadHeadAsync(string schoolId, CancellationToken ct)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(schoolId, HeadRowKey, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is null)
        {
            return new Head(0, AuditChain.GenesisHash, null);
        }
        var entity = response.Value;
        return new Head(entity.GetInt64("Sequence") ?? 0, entity.GetString("Hash") ?? string.Empty, entity.ETag);
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

    private static TimeSpan Backoff(int attempt)
    {
        var ceilingMs = Math.Min(2 << Math.Min(attempt, 6), 100);
        return TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceilingMs + 1));
    }

    private sealed record PendingRecord(AuditRecord Record, string? Pseudonym);

    private sealed record Head(long Sequence, string Hash, ETag? ETag);
}
