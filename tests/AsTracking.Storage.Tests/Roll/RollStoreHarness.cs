using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;
using AsTracking.Storage.Consent;
using AsTracking.Storage.Keys;
using AsTracking.Storage.Roll;
using AsTracking.Storage.Tables;
using AsTracking.Testing;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace AsTracking.Storage.Tests.Roll;

/// <summary>The real roll and consent stores over Azurite with an in-memory development key ring.</summary>
internal sealed class RollStoreHarness
{
    public RollStoreHarness(AzuriteFixture azurite)
    {
        Tables = new TableServiceClient(azurite.ConnectionString);
        Blobs = new BlobServiceClient(azurite.ConnectionString);
        var keys = DevelopmentKeyRing.InMemory();
        var provider = new TableProvider(Tables);
        Crypto = new PupilCrypto(new DataKeyWrapper(keys), new HmacPseudonymizer(keys));
        Due = new TableDueIndex(provider);
        Store = new TableRollStore(provider, Blobs, Crypto, Due);
        Consent = new TableConsentStore(provider, Crypto);
        SchoolId = AzuriteFixture.UniqueName("school-");
    }

    public TableServiceClient Tables { get; }
    public BlobServiceClient Blobs { get; }
    public PupilCrypto Crypto { get; }
    public TableDueIndex Due { get; }
    public TableRollStore Store { get; }
    public TableConsentStore Consent { get; }
    public string SchoolId { get; }

    public static readonly DateOnly Today = new(2026, 12, 4);

    public static string Upn(int serial)
    {
        var body = $"80120000{serial:D4}";
        return AsTracking.Core.Roll.Upn.CheckLetter(body) + body;
    }

    public static List<RollRow> Rows(int count, string given = "Given") =>
        Enumerable.Range(1, count).Select(i => new RollRow(i, Upn(i), $"{given}{i:D4}", $"Family{i:D4}", new DateOnly(2013, 1, 1).AddDays(i), 8, "8A", "Red")).ToList();

    public async Task<RollChangeSet> PlanAndApplyAsync(IReadOnlyList<RollRow> rows, RollMode mode = RollMode.Replace)
    {
        var snapshot = await Store.ListAsync(SchoolId, default);
        var plan = Plan(snapshot, rows, mode);
        Assert.True(await Store.ApplyAsync(plan, snapshot.Version, default));
        return plan;
    }

    public RollChangeSet Plan(RollSnapshot snapshot, IReadOnlyList<RollRow> rows, RollMode mode = RollMode.Replace) =>
        RollPlanner.Plan(SchoolId, snapshot.Pupils, rows, [], mode, Today, Core.Ids.NewOpaqueId('r'), "hash", () => Core.Ids.NewOpaqueId('p'));

    public async Task<List<TableEntity>> PartitionAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var e in Tables.GetTableClient(StorageNames.SchoolsTable).QueryAsync<TableEntity>(e => e.PartitionKey == SchoolId)) rows.Add(e);
        return rows;
    }

    public static IEnumerable<string> Identifiers(Pupil p) =>
        [p.Identity.Upn, p.Identity.GivenName, p.Identity.FamilyName, p.Identity.DateOfBirth.ToString("O")];
}
