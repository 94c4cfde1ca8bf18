using Azure.Core.Pipeline;
using Azure.Core;
using System.Collections.Concurrent;
using System.Diagnostics;
using AsTracking.Core.Audit;
using AsTracking.Storage.Audit;
using AsTracking.Storage.Tests.Support;
using AsTracking.Testing;
using Azure;
using Azure.Data.Tables;
using Xunit.Abstractions;

namespace AsTracking.Storage.Tests.Audit;

/// <summary>R18 (hash-chained audit trail) and R19 (no raw identifiers in keys) against real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableAuditTrailTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2025, 9, 1, 8, 30, 0, TimeSpan.Zero);
    private readonly AsTracking.Storage.Keys.HmacPseudonymizer _pseudonymizer = new(AsTracking.Storage.Keys.DevelopmentKeyRing.InMemory());

    private TableClient NewTable() => new(azurite.ConnectionString, AzuriteFixture.UniqueName("audit"));

    private TableAuditTrail NewTrail(TableClient table, TimeProvider? clock = null) =>
        new(new TableClient(azurite.ConnectionString, table.Name), _pseudonymizer, clock ?? TimeProvider.System);

    private TableAuditTrail NewTrail(TableClient table, RequestLog log) =>
        new(new TableClient(azurite.ConnectionString, table.Name, log.AddTo(new TableClientOptions())), _pseudonymizer, TimeProvider.System);

    private static string NewSchool() => AzuriteFixture.UniqueName("school");

    private static AuditRecord Record(string school, int i, string? pupil = null) =>
        new(school, $"teacher{i % 3}@school.test", i % 2 == 0 ? "ReadPupil" : "UpdateScores", pupil, "Success");

    private static async Task AppendAsync(TableAuditTrail trail, string school, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await trail.AppendAsync(Record(school, i, $"pupil-{i}"), CancellationToken.None);
        }
    }

    private static async Task<TableEntity> EntryAsync(TableClient table, string school, long sequence) =>
        (await table.GetEntityAsync<TableEntity>(school, TableAuditTrail.EntryRowKey(sequence))).Value;

    [Fact]
    public async Task R18_appended_entries_verify_valid_with_contiguous_sequences_and_linked_hashes()
    {
        var table = NewTable();
        var clock = new ManualClock(Start);
        var trail = NewTrail(table, clock);
        var school = NewSchool();

        for (int i = 0; i < 5; i++)
        {
            await trail.AppendAsync(Record(school, i, i == 2 ? null : $"pupil-{i}"), CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var entries = await trail.ReadAsync(school, null, null, null, CancellationToken.None);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Sequence));
        Assert.Equal(AuditChain.GenesisHash, entries[0].PreviousHash);
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            Assert.Equal(AuditChain.ComputeHash(e), e.Hash);
            Assert.Equal(Start.AddSeconds(i), e.At);
            Assert.Equal(school, e.SchoolId);
            if (i > 0) Assert.Equal(entries[i - 1].Hash, e.PreviousHash);
        }
        Assert.Null(entries[2].PupilPseudonym);

        var head = (await table.GetEntityAsync<TableEntity>(school, "head")).Value;
        Assert.Equal(5L, head.GetInt64("Sequence"));
        Assert.Equal(entries[^1].Hash, head.GetString("Hash"));

        Assert.Equal(new AuditVerification(5, true, null), await trail.VerifyAsync(school, CancellationToken.None));
    }

    [Fact]
    public async Task R18_verify_of_a_school_without_entries_is_valid_and_empty()
    {
        var trail = NewTrail(NewTable());
        Assert.Equal(new AuditVerification(0, true, null), await trail.VerifyAsync(NewSchool(), CancellationToken.None));
    }

    [Fact]
    public async Task R18_verify_detects_an_edited_entry_at_its_sequence()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        await AppendAsync(trail, school, 5);

        var entity = await EntryAsync(table, school, 3);
        entity["Outcome"] = "Denied";
        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);

        var result = await trail.VerifyAsync(school, CancellationToken.None);
        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBrokenAt);
    }

    [Fact]
    public async Task R18_verify_detects_an_edited_entry_even_when_its_hash_is_recomputed()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        await AppendAsync(trail, school, 5);

        // A tamperer who rewrites the entry and its own hash still breaks the next link.
        var entity = await EntryAsync(table, school, 3);
        entity["Actor"] = "someone-else@school.test";
        var forged = (await trail.ReadAsync(school, null, null, null, CancellationToken.None))[2] with { Actor = "someone-else@school.test" };
        entity["Hash"] = AuditChain.ComputeHash(forged);
        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);

        var result = await trail.VerifyAsync(school, CancellationToken.None);
        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenAt);
    }

    [Fact]
    public async Task R18_verify_detects_a_deleted_middle_entry_at_the_gap()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        await AppendAsync(trail, school, 5);

        await table.DeleteEntityAsync(school, TableAuditTrail.EntryRowKey(3));

        var result = await trail.VerifyAsync(school, CancellationToken.None);
        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBrokenAt);
        Assert.Equal(4, result.Entries);
    }

    [Fact]
    public async Task R18_verify_detects_a_deleted_last_entry_through_the_head()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        await AppendAsync(trail, school, 5);

        await table.DeleteEntityAsync(school, TableAuditTrail.EntryRowKey(5));

        var result = await trail.VerifyAsync(school, CancellationToken.None);
        Assert.False(result.Valid);
        Assert.Equal(5, result.FirstBrokenAt);
    }

    [Fact]
    public async Task R18_verify_detects_a_reordered_pair_of_entries()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        await AppendAsync(trail, school, 5);

        // Swap the contents of entries 2 and 3, keeping their keys.
        var second = await EntryAsync(table, school, 2);
        var third = await EntryAsync(table, school, 3);
        var swappedSecond = new TableEntity(third.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            .ToDictionary()) { PartitionKey = school, RowKey = second.RowKey };
        var swappedThird = new TableEntity(second.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            .ToDictionary()) { PartitionKey = school, RowKey = third.RowKey };
        await table.UpdateEntityAsync(swappedSecond, second.ETag, TableUpdateMode.Replace);
        await table.UpdateEntityAsync(swappedThird, third.ETag, TableUpdateMode.Replace);

        var result = await trail.VerifyAsync(school, CancellationToken.None);
        Assert.False(result.Valid);
        Assert.Equal(2, result.FirstBrokenAt);
    }

    [Fact]
    public async Task R18_verify_detects_an_entry_added_past_the_head()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        await AppendAsync(trail, school, 3);

        // A forged, well-formed entry 4 without the head moving with it.
        var entries = await trail.ReadAsync(school, null, null, null, CancellationToken.None);
        var forged = new AuditEntry(4, Start, school, "x@school.test", "ReadPupil", null, "Success", entries[^1].Hash, "");
        forged = forged with { Hash = AuditChain.ComputeHash(forged) };
        await table.AddEntityAsync(new TableEntity(school, TableAuditTrail.EntryRowKey(4))
        {
            ["At"] = forged.At, ["Actor"] = forged.Actor, ["Action"] = forged.Action, ["Outcome"] = forged.Outcome,
            ["PreviousHash"] = forged.PreviousHash, ["Hash"] = forged.Hash,
        });

        var result = await trail.VerifyAsync(school, CancellationToken.None);
        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenAt);
    }

    [Fact]
    public async Task R18_concurrent_appends_to_one_school_never_fork_the_chain()
    {
        const int tasks = 8, appendsPerTask = 25;
        var table = NewTable();
        var school = NewSchool();
        await NewTrail(table).VerifyAsync(school, CancellationToken.None); // creates the table outside the timing

        // One trail (and client) per task, like separate function instances.
        var trails = Enumerable.Range(0, tasks).Select(_ => NewTrail(table)).ToArray();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(trails.Select((trail, t) => Task.Run(async () =>
        {
            for (int i = 0; i < appendsPerTask; i++)
            {
                await trail.AppendAsync(new AuditRecord(school, $"task{t}", "ReadPupil", $"pupil-{t}-{i}", "Success"), CancellationToken.None);
            }
        })));
        watch.Stop();
        output.WriteLine($"{tasks * appendsPerTask} concurrent appends ({tasks} tasks) took {watch.ElapsedMilliseconds} ms");

        var entries = await trails[0].ReadAsync(school, null, null, null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, tasks * appendsPerTask).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(tasks * appendsPerTask, entries.Select(e => e.PupilPseudonym).Distinct().Count());
        Assert.Equal(new AuditVerification(tasks * appendsPerTask, true, null), await trails[0].VerifyAsync(school, CancellationToken.None));
    }

    [Fact]
    public async Task R18_append_many_beyond_one_transaction_stays_one_valid_chain()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        var other = NewSchool();
        await trail.AppendAsync(Record(school, 0, "pupil-first"), CancellationToken.None);

        // 250 records for one school span three transactions (99 + 99 + 52); a second school's records interleave.
        var records = Enumerable.Range(1, 250).Select(i => Record(school, i, $"pupil-{i}")).ToList();
        foreach (var at in new[] { 200, 100, 10, 0 }) records.Insert(at, Record(other, at));
        await trail.AppendManyAsync(records, CancellationToken.None);

        var entries = await trail.ReadAsync(school, null, null, null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 251).Select(i => (long)i), entries.Select(e => e.Sequence));
        var expectedPseudonyms = new List<string?> { await _pseudonymizer.PupilPseudonymAsync(school, "pupil-first", default) };
        for (int i = 1; i <= 250; i++) expectedPseudonyms.Add(await _pseudonymizer.PupilPseudonymAsync(school, $"pupil-{i}", default));
        Assert.Equal(expectedPseudonyms, entries.Select(e => e.PupilPseudonym));
        Assert.Equal(new AuditVerification(251, true, null), await trail.VerifyAsync(school, CancellationToken.None));
        Assert.Equal(new AuditVerification(4, true, null), await trail.VerifyAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task R18_read_filters_by_pupil_pseudonym_and_time_range_in_sequence_order()
    {
        var clock = new ManualClock(Start);
        var trail = NewTrail(NewTable(), clock);
        var school = NewSchool();
        var otherSchool = NewSchool();
        for (int i = 0; i < 10; i++)
        {
            await trail.AppendAsync(Record(school, i, i % 2 == 0 ? "pupil-a" : "pupil-b"), CancellationToken.None);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        await trail.AppendAsync(Record(otherSchool, 0, "pupil-a"), CancellationToken.None);

        var forA = await trail.ReadAsync(school, "pupil-a", null, null, CancellationToken.None);
        Assert.Equal([1L, 3, 5, 7, 9], forA.Select(e => e.Sequence));
        var pseudonymA = await _pseudonymizer.PupilPseudonymAsync(school, "pupil-a", default);
        Assert.All(forA, e => Assert.Equal(pseudonymA, e.PupilPseudonym));

        // Entries at minutes 0..9; the range is inclusive at both ends.
        var window = await trail.ReadAsync(school, null, Start.AddMinutes(3), Start.AddMinutes(6), CancellationToken.None);
        Assert.Equal([4L, 5, 6, 7], window.Select(e => e.Sequence));

        var both = await trail.ReadAsync(school, "pupil-b", Start.AddMinutes(3), null, CancellationToken.None);
        Assert.Equal([4L, 6, 8, 10], both.Select(e => e.Sequence));

        Assert.Empty(await trail.ReadAsync(school, "pupil-unknown", null, null, CancellationToken.None));
    }

    [Fact]
    public async Task R19_no_raw_pupil_identifier_appears_in_any_stored_key_or_property()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        const string pupilId = "PUPIL-7f3a9c-RAW";
        await trail.AppendAsync(new AuditRecord(school, "teacher@school.test", "ReadPupil", pupilId, "Success"), CancellationToken.None);
        await trail.AppendManyAsync([new AuditRecord(school, "teacher@school.test", "UpdateScores", pupilId, "Success")], CancellationToken.None);

        var stored = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>()) stored.Add(entity);

        Assert.Equal(3, stored.Count); // two entries and the head
        foreach (var entity in stored)
        {
            Assert.DoesNotContain(pupilId, entity.PartitionKey, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(pupilId, entity.RowKey, StringComparison.OrdinalIgnoreCase);
            foreach (var (name, value) in entity)
            {
                Assert.DoesNotContain(pupilId, name, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(pupilId, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparison.OrdinalIgnoreCase);
            }
        }
        var pseudonym = await _pseudonymizer.PupilPseudonymAsync(school, pupilId, default);
        Assert.Equal(2, stored.Count(e => e.GetString("PupilPseudonym") == pseudonym));
    }

    [Fact]
    public async Task R18_a_transaction_that_loses_the_head_race_writes_nothing()
    {
        // The no-fork guarantee rests on the entry add and the head replace committing together or not at all.
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        await AppendAsync(trail, school, 3);
        var head = (await table.GetEntityAsync<TableEntity>(school, "head")).Value;
        await trail.AppendAsync(Record(school, 3), CancellationToken.None);

        // Stale head ETag: 412, and the new entry is not left behind.
        var staleHead = new TableEntity(school, "head") { ["Sequence"] = 5L, ["Hash"] = "x" };
        var stale = await Assert.ThrowsAnyAsync<RequestFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(school, TableAuditTrail.EntryRowKey(5)) { ["Hash"] = "x" }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, staleHead, head.ETag),
        ]));
        Assert.Equal(412, stale.Status);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(school, TableAuditTrail.EntryRowKey(5))).HasValue);

        // Existing sequence with the current ETag: 409, and the head is not moved.
        var current = (await table.GetEntityAsync<TableEntity>(school, "head")).Value;
        var duplicate = await Assert.ThrowsAnyAsync<RequestFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(school, TableAuditTrail.EntryRowKey(4)) { ["Hash"] = "x" }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, staleHead, current.ETag),
        ]));
        Assert.Equal(409, duplicate.Status);
        Assert.Equal(4L, (await table.GetEntityAsync<TableEntity>(school, "head")).Value.GetInt64("Sequence"));

        Assert.Equal(new AuditVerification(4, true, null), await trail.VerifyAsync(school, CancellationToken.None));
    }

    [Fact]
    public async Task R18_an_append_with_a_used_once_key_appends_nothing_in_any_instance()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        AuditRecord[] scored = [Record(school, 0, "pupil-1"), Record(school, 1, "pupil-1")];

        Assert.True(await trail.AppendOnceAsync("assessment|s1|default-v1@1", scored, CancellationToken.None));
        await trail.AppendAsync(Record(school, 2), CancellationToken.None);
        Assert.False(await trail.AppendOnceAsync("assessment|s1|default-v1@1", scored, CancellationToken.None));
        // Another instance, which has no head of its own yet, sees the key too.
        Assert.False(await NewTrail(table).AppendOnceAsync("assessment|s1|default-v1@1", scored, CancellationToken.None));
        Assert.True(await trail.AppendOnceAsync("assessment|s2|default-v1@1", scored, CancellationToken.None));

        var entries = await trail.ReadAsync(school, null, null, null, CancellationToken.None);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Sequence));
        Assert.Equal(new AuditVerification(5, true, null), await trail.VerifyAsync(school, CancellationToken.None));
    }

    [Fact]
    public async Task R18_concurrent_appends_with_one_once_key_append_it_once_across_instances()
    {
        const int instances = 4, callsPerInstance = 4, plainPerInstance = 10;
        var table = NewTable();
        var school = NewSchool();
        var trails = Enumerable.Range(0, instances).Select(_ => NewTrail(table)).ToArray();
        AuditRecord[] scored = [Record(school, 0, "pupil-1"), Record(school, 1, "pupil-1")];

        var once = trails.SelectMany(trail => Enumerable.Range(0, callsPerInstance)
            .Select(_ => Task.Run(() => trail.AppendOnceAsync("assessment|s1|default-v1@1", scored, CancellationToken.None)))).ToList();
        var plain = trails.SelectMany((trail, t) => Enumerable.Range(0, plainPerInstance)
            .Select(i => Task.Run(() => trail.AppendAsync(Record(school, i, $"pupil-{t}-{i}"), CancellationToken.None)))).ToList();
        await Task.WhenAll(plain);
        var outcomes = await Task.WhenAll(once);

        Assert.Single(outcomes, appended => appended);
        var entries = await trails[0].ReadAsync(school, null, null, null, CancellationToken.None);
        var pupil1 = await _pseudonymizer.PupilPseudonymAsync(school, "pupil-1", default);
        Assert.Equal(2, entries.Count(e => e.PupilPseudonym == pupil1));
        Assert.Equal(new AuditVerification(2 + instances * plainPerInstance, true, null), await trails[0].VerifyAsync(school, CancellationToken.None));
    }

    [Fact]
    public async Task R18_concurrent_appends_in_one_instance_take_turns_without_conflicts_or_head_reads()
    {
        const int appends = 40;
        var table = NewTable();
        var log = new RequestLog();
        var trail = NewTrail(table, log);
        var school = NewSchool();
        await trail.AppendAsync(Record(school, 0, "pupil-0"), CancellationToken.None); // creates the table and the head
        log.Clear();

        await Task.WhenAll(Enumerable.Range(1, appends).Select(i => Task.Run(() => trail.AppendAsync(Record(school, i, $"pupil-{i}"), CancellationToken.None))));

        // The head this instance wrote is reused, so no append reads it or loses a race; waiting appends share
        // a transaction, so there are at most as many transactions as appends (usually far fewer).
        Assert.Equal(0, log.Count("GET", "RowKey='head'"));
        Assert.InRange(log.Count("POST", "$batch"), 1, appends);
        var entries = await trail.ReadAsync(school, null, null, null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, appends + 1).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(appends + 1, entries.Select(e => e.PupilPseudonym).Distinct().Count());
        Assert.Equal(new AuditVerification(appends + 1, true, null), await trail.VerifyAsync(school, CancellationToken.None));
    }

    [Fact]
    public async Task R18_a_head_moved_by_another_instance_is_read_again_and_the_chain_stays_whole()
    {
        var table = NewTable();
        var log = new RequestLog();
        var first = NewTrail(table, log);
        var second = NewTrail(table);
        var school = NewSchool();
        await first.AppendAsync(Record(school, 0), CancellationToken.None);
        await second.AppendAsync(Record(school, 1), CancellationToken.None);
        log.Clear();

        // The first instance's head is stale: its write fails the ETag check, it reads the head and writes again.
        await first.AppendAsync(Record(school, 2), CancellationToken.None);

        Assert.Equal(1, log.Count("GET", "RowKey='head'"));
        Assert.Equal(2, log.Count("POST", "$batch"));
        Assert.Equal(new AuditVerification(3, true, null), await first.VerifyAsync(school, CancellationToken.None));
    }

    [Fact]
    public async Task R18_a_repeated_once_key_written_beside_other_appends_leaves_only_them_appended()
    {
        var table = NewTable();
        var trail = NewTrail(table);
        var school = NewSchool();
        AuditRecord[] scored = [Record(school, 0, "pupil-1"), Record(school, 1, "pupil-1")];
        Assert.True(await trail.AppendOnceAsync("assessment|s1|default-v1@1", scored, CancellationToken.None));

        // Queued together, so they tend to share transactions with the repeat.
        var plain = Enumerable.Range(0, 20).Select(i => Task.Run(() => trail.AppendAsync(Record(school, i, $"pupil-{i + 10}"), CancellationToken.None))).ToList();
        var repeat = Task.Run(() => trail.AppendOnceAsync("assessment|s1|default-v1@1", scored, CancellationToken.None));
        var fresh = Task.Run(() => trail.AppendOnceAsync("assessment|s2|default-v1@1", scored, CancellationToken.None));
        var duplicateOfFresh = Task.Run(() => trail.AppendOnceAsync("assessment|s2|default-v1@1", scored, CancellationToken.None));
        await Task.WhenAll(plain);

        Assert.False(await repeat);
        Assert.Equal([false, true], new[] { await fresh, await duplicateOfFresh }.Order());
        Assert.Equal(new AuditVerification(2 + 20 + 2, true, null), await trail.VerifyAsync(school, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("assessment/s1")]
    [InlineData("assessment#s1")]
    [InlineData("assessment s1")]
    public async Task R19_a_once_key_outside_the_plain_alphabet_is_refused(string key)
    {
        var trail = NewTrail(NewTable());
        var school = NewSchool();
        await Assert.ThrowsAsync<ArgumentException>(() => trail.AppendOnceAsync(key, [Record(school, 0)], CancellationToken.None));
    }

    [Fact]
    public async Task R18_a_once_append_of_two_schools_or_more_than_one_transaction_is_refused()
    {
        var trail = NewTrail(NewTable());
        var school = NewSchool();
        await Assert.ThrowsAsync<ArgumentException>(() => trail.AppendOnceAsync("k", [Record(school, 0), Record(NewSchool(), 1)], CancellationToken.None));
        var tooMany = Enumerable.Range(0, TableAuditTrail.MaxEntriesPerTransaction).Select(i => Record(school, i)).ToList();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => trail.AppendOnceAsync("k", tooMany, CancellationToken.None));
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_fail_the_appends_carried_in_its_turn_R18()
    {
        var gates = new GatedTransactions();
        var table = NewTable();
        var trail = new TableAuditTrail(new TableClient(azurite.ConnectionString, table.Name, gates.AddTo(new TableClientOptions())), _pseudonymizer, TimeProvider.System);
        var school = NewSchool();
        await trail.AppendAsync(Record(school, 0), CancellationToken.None); // the table exists

        // X's transaction is held, so A and then B..P queue for the next turn, in that order.
        var holdX = gates.Hold();
        var x = trail.AppendAsync(Record(school, 1), CancellationToken.None);
        await gates.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        using var giveUp = new CancellationTokenSource();
        var a = trail.AppendAsync(Record(school, 2), giveUp.Token);
        await Task.Delay(50);
        var others = Enumerable.Range(3, 15).Select(i => trail.AppendAsync(Record(school, i), CancellationToken.None)).ToList();
        await Task.Delay(50);

        // A takes the next turn with B..P in its batch; its transaction is held too, and then A gives up.
        var holdA = gates.Hold();
        holdX.SetResult();
        await x;
        await gates.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        giveUp.Cancel();
        await Task.Delay(50);
        holdA.SetResult();

        await Task.WhenAll(others); // none of them fails because A gave up
        await a;                    // and A's own append, already on its way, was written too
        var verification = await trail.VerifyAsync(school, CancellationToken.None);
        Assert.Equal(new AuditVerification(18, true, null), verification);
    }

    [Fact]
    public async Task An_SDK_retry_of_a_committed_append_whose_answer_was_lost_writes_nothing_twice_R18()
    {
        var lose = new LoseFirstTransactionAnswer();
        var options = new TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(lose, HttpPipelinePosition.PerRetry);
        var table = NewTable();
        var trail = new TableAuditTrail(new TableClient(azurite.ConnectionString, table.Name, options), _pseudonymizer, TimeProvider.System);
        var school = NewSchool();

        await trail.AppendManyAsync([Record(school, 0), Record(school, 1), Record(school, 2)], CancellationToken.None);
        Assert.True(await trail.AppendOnceAsync("once-key", [Record(school, 3)], CancellationToken.None));

        Assert.Equal(2, lose.Dropped); // both transactions committed, lost their answers and were retried by the SDK
        Assert.Equal(new AuditVerification(4, true, null), await trail.VerifyAsync(school, CancellationToken.None));
    }

    /// <summary>Lets the first try of each of the first two appends commit, then loses its answer, as a dropped connection would.</summary>
    private sealed class LoseFirstTransactionAnswer : HttpPipelinePolicy
    {
        private int _seen;
        private int _dropped;

        public int Dropped => _dropped;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            // Every other transaction: the first try of each append loses its answer, its retry keeps it.
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Interlocked.Increment(ref _seen) is 1 or 3)
            {
                Interlocked.Increment(ref _dropped);
                throw new IOException("The connection closed before the answer arrived.");
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The audit trail is asynchronous.");
    }

    /// <summary>Holds table transactions ($batch) until released, honouring the request's cancellation.</summary>
    private sealed class GatedTransactions : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<TaskCompletionSource> _holds = new();

        public SemaphoreSlim Entered { get; } = new(0);

        public TaskCompletionSource Hold()
        {
            var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holds.Enqueue(hold);
            return hold;
        }

        public TableClientOptions AddTo(TableClientOptions options)
        {
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return options;
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && _holds.TryDequeue(out var hold))
            {
                Entered.Release();
                await hold.Task.WaitAsync(message.CancellationToken);
            }
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The audit trail is asynchronous.");
    }
}
