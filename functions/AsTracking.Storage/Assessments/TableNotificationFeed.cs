using AsTracking.Core.Assessments;
using AsTracking.Core.Ports;
using AsTracking.Storage.Tables;
using Azure;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>The school's notification feed; entries are keyed by a deterministic id so a repeated message adds nothing.</summary>
public sealed class TableNotificationFeed(TableProvider tables) : INotificationFeed
{
    public async Task AddAsync(Notification n, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(n.SchoolId, RowKeys.Notification(n.NotificationId))
            {
                ["Kind"] = n.Kind,
                ["CreatedAt"] = n.CreatedAt,
                ["PupilId"] = n.PupilId ?? string.Empty,
                ["Priority"] = n.Priority ?? string.Empty,
                ["AcademicYear"] = n.AcademicYear ?? string.Empty,
                ["Round"] = n.Round ?? 0,
                ["TransferId"] = n.TransferId ?? string.Empty,
            }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Already in the feed.
        }
    }

    public async Task<IReadOnlyList<Notification>> ListAsync(string schoolId, int max, CancellationToken ct)
    {
        var table = await tables.GetAsync(StorageNames.SchoolsTable, ct).ConfigureAwait(false);
        var prefix = RowKeys.NotificationPrefix;
        var items = new List<Notification>();
        await foreach (var e in table.QueryPrefixAsync(schoolId, prefix, ct: ct)
            .ConfigureAwait(false))
        {
            items.Add(new Notification(schoolId, e.RowKey[prefix.Length..], e.GetString("Kind"), e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
                Optional(e.GetString("PupilId")), Optional(e.GetString("Priority")), Optional(e.GetString("AcademicYear")),
                e.GetInt32("Round") is > 0 and var r ? r : null, Optional(e.GetString("TransferId"))));
        }
        return items.OrderByDescending(n => n.CreatedAt).Take(max).ToList();
    }

    private static string? Optional(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
