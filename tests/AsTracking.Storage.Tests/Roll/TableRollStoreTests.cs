using AsTracking.Core.Consent;
using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;
using AsTracking.Storage.Tables;
using AsTracking.Testing;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tests.Roll;

[Collection(AzuriteCollection.Name)]
public sealed class TableRollStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Roll_round_trips_through_per_field_encryption_R19()
    {
        var h = new RollStoreHarness(azurite);
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(5));
        var snapshot = await h.Store.ListAsync(h.SchoolId, default);
        Assert.Equal(5, snapshot.Pupils.Count);
        var first = snapshot.Pupils.Single(p => p.Identity.Upn == RollStoreHarness.Upn(1));
        Assert.Equal("Given0001", first.Identity.GivenName);
        Assert.Equal(PupilStatus.OnRoll, first.Status);
        Assert.Equal(first, await h.Store.GetAsync(h.SchoolId, first.PupilId, default));
        Assert.Equal(first, await h.Store.FindByUpnAsync(h.SchoolId, RollStoreHarness.Upn(1).ToLowerInvariant(), default));
    }

    [Fact]
    public async Task No_raw_identifier_appears_in_any_key_property_or_blob_name_R19()
    {
        var h = new RollStoreHarness(azurite);
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(3));
        var pupils = (await h.Store.ListAsync(h.SchoolId, default)).Pupils;
        await h.Consent.AppendAsync(h.SchoolId, pupils[0].PupilId,
            new ConsentEvent(1, ConsentDecision.OptOut, ConsentRequester.Parent, RollStoreHarness.Today, "Parent phoned about Given0001", false, "t/o", DateTimeOffset.UtcNow), true, false, default);
        // Leavers write due-index entries too.
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(2));

        var identifiers = pupils.SelectMany(RollStoreHarness.Identifiers).ToList();
        var texts = new List<string>();
        foreach (var e in await h.PartitionAsync())
        {
            texts.Add(e.PartitionKey);
            texts.Add(e.RowKey);
            texts.AddRange(e.Select(kv => kv.Value?.ToString() ?? ""));
        }
        await foreach (var e in h.Tables.GetTableClient(StorageNames.DueIndexTable).QueryAsync<TableEntity>())
        {
            texts.Add(e.PartitionKey);
            texts.Add(e.RowKey);
        }
        await foreach (var container in h.Blobs.GetBlobContainersAsync())
        {
            await foreach (var blob in h.Blobs.GetBlobContainerClient(container.Name).GetBlobsAsync()) texts.Add(blob.Name);
        }
        foreach (var id in identifiers)
        {
            Assert.DoesNotContain(texts, t => t.Contains(id, StringComparison.OrdinalIgnoreCase));
        }
        Assert.DoesNotContain(texts, t => t.Contains("phoned", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_pupil_does_not_open_R19()
    {
        var h = new RollStoreHarness(azurite);
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(2));
        var table = h.Tables.GetTableClient(StorageNames.SchoolsTable);
        var rows = (await h.PartitionAsync()).Where(e => e.RowKey.StartsWith(RowKeys.PupilPrefix, StringComparison.Ordinal)).ToList();
        rows[1]["GivenName"] = rows[0]["GivenName"];
        await table.UpdateEntityAsync(rows[1], rows[1].ETag, TableUpdateMode.Replace);
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => h.Store.ListAsync(h.SchoolId, default));
    }

    [Fact]
    public async Task Replace_marks_missing_pupils_as_leavers_and_upsert_does_not()
    {
        var h = new RollStoreHarness(azurite);
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(4));
        var upsert = await h.PlanAndApplyAsync(RollStoreHarness.Rows(2), RollMode.Upsert);
        Assert.Equal(0, upsert.Result.Left);
        var replace = await h.PlanAndApplyAsync(RollStoreHarness.Rows(2));
        Assert.Equal(2, replace.Result.Left);
        var pupils = (await h.Store.ListAsync(h.SchoolId, default)).Pupils;
        Assert.Equal(2, pupils.Count(p => p.Status == PupilStatus.Left && p.LeftOn == RollStoreHarness.Today));
        var due = await h.Due.DueAsync(Core.Retention.DueRules.LeaverAnonymise, RollStoreHarness.Today.AddMonths(12), 1000, default);
        Assert.Equal(2, due.Count(d => d.SchoolId == h.SchoolId));
    }

    [Fact]
    public async Task An_import_that_fails_half_way_is_never_seen_half_applied_and_retrying_is_safe()
    {
        var h = new RollStoreHarness(azurite);
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(10));
        var snapshot = await h.Store.ListAsync(h.SchoolId, default);
        // 150 pupils: 140 new (3 entities each) and 10 renamed, so the import needs several transactions.
        var plan = h.Plan(snapshot, RollStoreHarness.Rows(150, given: "Renamed"));
        h.Store.BeforeTransaction = index => index == 2 ? throw new IOException("simulated crash") : Task.CompletedTask;
        await Assert.ThrowsAsync<IOException>(() => h.Store.ApplyAsync(plan, snapshot.Version, default));
        h.Store.BeforeTransaction = null;

        // The first two transactions did land, but any reader finishes the journaled import before reading.
        var raw = (await h.PartitionAsync()).Count(e => e.RowKey.StartsWith(RowKeys.PupilPrefix, StringComparison.Ordinal));
        Assert.InRange(raw, 11, 149);
        var after = await h.Store.ListAsync(h.SchoolId, default);
        Assert.Equal(150, after.Pupils.Count);
        Assert.All(after.Pupils, p => Assert.StartsWith("Renamed", p.Identity.GivenName, StringComparison.Ordinal));

        // Retrying the same upload converges: nothing left to change.
        var retry = h.Plan(after, RollStoreHarness.Rows(150, given: "Renamed"));
        Assert.True(retry.IsEmpty);
        Assert.Equal(150, retry.Result.Unchanged);
    }

    [Fact]
    public async Task A_plan_made_on_an_old_roll_is_refused()
    {
        var h = new RollStoreHarness(azurite);
        var before = await h.Store.ListAsync(h.SchoolId, default);
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(3));
        var stale = h.Plan(before, RollStoreHarness.Rows(3));
        Assert.False(await h.Store.ApplyAsync(stale, before.Version, default));
        Assert.Equal(3, (await h.Store.ListAsync(h.SchoolId, default)).Pupils.Count);
    }

    [Fact]
    public async Task Consent_event_and_opt_out_flag_change_together_and_a_taken_sequence_is_refused_R9()
    {
        var h = new RollStoreHarness(azurite);
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(1));
        var pupil = (await h.Store.ListAsync(h.SchoolId, default)).Pupils[0];
        var entry = new ConsentEvent(1, ConsentDecision.OptOut, ConsentRequester.Pupil, RollStoreHarness.Today, "note", true, "t/o", DateTimeOffset.UtcNow);
        Assert.True(await h.Consent.AppendAsync(h.SchoolId, pupil.PupilId, entry, true, true, default));
        Assert.False(await h.Consent.AppendAsync(h.SchoolId, pupil.PupilId, entry with { Decision = ConsentDecision.OptIn }, false, false, default));
        Assert.True((await h.Store.GetAsync(h.SchoolId, pupil.PupilId, default))!.OptedOut);
        var history = await h.Consent.HistoryAsync(h.SchoolId, pupil.PupilId, default);
        Assert.Equal("note", Assert.Single(history).Note);

        // A later roll upload never resets the opt-out.
        await h.PlanAndApplyAsync(RollStoreHarness.Rows(1, given: "Changed"));
        Assert.True((await h.Store.GetAsync(h.SchoolId, pupil.PupilId, default))!.OptedOut);
    }
}
