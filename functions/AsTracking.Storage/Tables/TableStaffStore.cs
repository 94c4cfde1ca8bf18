using System.Text.Json;
using AsTracking.Core.Ports;
using AsTracking.Core.Staff;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tables;

/// <summary>
/// Staff records live in the school's partition; an index table keyed by (tid, oid) lists an identity's schools
/// for GET /api/me without a scan.
/// </summary>
public sealed class TableStaffStore(TableProvider tables) : IStaffStore
{
    public async Task<StaffMember?> GetAsync(string schoolId, string tenantId, string objectId, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.Staff(Norm(tenantId), Norm(objectId)), cancellationToken: ct)
            .ConfigureAwait(false);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<bool> UpsertAsync(StaffMember member, CancellationToken ct)
    {
        // The index is written first: an index row without a staff record is skipped by readers, never the reverse.
        var index = await tables.GetAsync(StorageNames.StaffIndexTable, ct).ConfigureAwait(false);
        await index.UpsertEntityAsync(new TableEntity(IdentityKey(member.TenantId, member.ObjectId), member.SchoolId), TableUpdateMode.Replace, ct)
            .ConfigureAwait(false);

        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        return await table.AddOrReplaceAsync(ToEntity(member), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StaffMember>> ListForIdentityAsync(string tenantId, string objectId, CancellationToken ct)
    {
        var index = await tables.GetAsync(StorageNames.StaffIndexTable, ct).ConfigureAwait(false);
        var result = new List<StaffMember>();
        var key = IdentityKey(tenantId, objectId);
        await foreach (var row in index.QueryAsync<TableEntity>(e => e.PartitionKey == key, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            if (await GetAsync(row.RowKey, tenantId, objectId, ct).ConfigureAwait(false) is { } member) result.Add(member);
        }
        return result;
    }

    private static string Norm(string id) => id.ToLowerInvariant();

    private static string IdentityKey(string tenantId, string objectId) => $"{Norm(tenantId)}|{Norm(objectId)}";

    private static TableEntity ToEntity(StaffMember m) => new(m.SchoolId, RowKeys.Staff(Norm(m.TenantId), Norm(m.ObjectId)))
    {
        ["TenantId"] = Norm(m.TenantId),
        ["ObjectId"] = Norm(m.ObjectId),
        ["DisplayName"] = m.DisplayName,
        ["Roles"] = (int)m.Roles,
        ["Training"] = JsonSerializer.Serialize(m.Training, StorageJson.Options),
        ["TutorGroups"] = JsonSerializer.Serialize(m.TutorGroups, StorageJson.Options),
        ["UpdatedAt"] = m.UpdatedAt,
    };

    private static StaffMember FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("TenantId"),
        e.GetString("ObjectId"),
        e.GetString("DisplayName"),
        (StaffRoles)(e.GetInt32("Roles") ?? 0),
        JsonSerializer.Deserialize<List<TrainingRecord>>(e.GetString("Training") ?? "[]", StorageJson.Options) ?? [],
        JsonSerializer.Deserialize<List<string>>(e.GetString("TutorGroups") ?? "[]", StorageJson.Options) ?? [],
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
}
