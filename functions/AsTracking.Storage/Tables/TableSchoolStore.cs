using System.Text.Json;
using AsTracking.Core.Ports;
using AsTracking.Core.Schools;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Tables;

public sealed class TableSchoolStore(TableProvider tables) : ISchoolStore
{
    public async Task<School?> GetAsync(string schoolId, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(schoolId, RowKeys.Profile, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    public async Task<bool> UpsertAsync(School school, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        return await table.AddOrReplaceAsync(ToEntity(school), ct).ConfigureAwait(false);
    }

    private static TableEntity ToEntity(School s) => new(s.SchoolId, RowKeys.Profile)
    {
        ["Name"] = s.Name,
        ["DfeNumber"] = s.DfeNumber,
        ["CodeOfConductSignedOn"] = s.CodeOfConductSignedOn.ToString("O"),
        ["CodeOfConductSignedBy"] = s.CodeOfConductSignedBy,
        ["Status"] = s.Status.ToString(),
        ["Accreditation"] = s.Accreditation is null ? null : JsonSerializer.Serialize(s.Accreditation, StorageJson.Options),
        ["UpdatedAt"] = s.UpdatedAt,
    };

    private static School FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Name"),
        e.GetString("DfeNumber"),
        DateOnly.Parse(e.GetString("CodeOfConductSignedOn"), System.Globalization.CultureInfo.InvariantCulture),
        e.GetString("CodeOfConductSignedBy"),
        Enum.Parse<SchoolStatus>(e.GetString("Status")),
        e.GetString("Accreditation") is { } a ? JsonSerializer.Deserialize<Accreditation>(a, StorageJson.Options) : null,
        e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
}
