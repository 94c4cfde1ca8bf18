using System.Text;
using System.Text.Json;
using AsTracking.Storage.Tables;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace AsTracking.Functions.Tests.Support;

/// <summary>
/// Reads what the app left in Azurite directly, so tests can prove that something was written exactly once, or not
/// at all. Every Azurite table, container and queue is shared by the test collection; reads filter by school.
/// </summary>
public sealed class AzuriteStorage(string connectionString)
{
    /// <summary>The rows scoring writes in a school's partition (intake writes only to the pupil's entity).</summary>
    public static readonly string[] IntakeRowPrefixes = ["result|", "trend|"];

    /// <summary>
    /// The submission records of a school: each is kept on its pupil's entity as <c>S{round}</c> (JSON, written at
    /// intake), <c>S{round}Status</c> and <c>S{round}Detail</c>.
    /// </summary>
    public async Task<List<StoredSubmissionRow>> SubmissionsAsync(string schoolId)
    {
        var found = new List<StoredSubmissionRow>();
        foreach (var pupil in await RowsAsync(schoolId, "pupil|"))
        {
            foreach (var (name, value) in pupil)
            {
                if (name.Length != 10 || name[0] != 'S' || value is not string json) continue;
                using var record = JsonDocument.Parse(json);
                found.Add(new StoredSubmissionRow(pupil.RowKey["pupil|".Length..], name[1..].Replace('_', '-'),
                    record.RootElement.GetProperty("submissionId").GetString()!, pupil.GetString(name + "Status"), pupil.GetString(name + "Detail")));
            }
        }
        return found;
    }

    public TableClient Table(string name) => new TableServiceClient(connectionString).GetTableClient(name);

    /// <summary>Rows of a school's partition whose RowKey starts with the prefix.</summary>
    public async Task<List<TableEntity>> RowsAsync(string schoolId, string rowPrefix)
    {
        var end = RowKeys.PrefixEnd(rowPrefix);
        var rows = new List<TableEntity>();
        await foreach (var e in Table(StorageNames.SchoolsTable).QueryAsync<TableEntity>(
            x => x.PartitionKey == schoolId && x.RowKey.CompareTo(rowPrefix) >= 0 && x.RowKey.CompareTo(end) < 0))
        {
            rows.Add(e);
        }
        return rows;
    }

    /// <summary>The code entities (keyed hashes) issued for a school's sessions.</summary>
    public async Task<List<TableEntity>> CodesAsync(string schoolId)
    {
        var table = Table(StorageNames.CodesTable);
        await table.CreateIfNotExistsAsync();
        var rows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"SchoolId eq {schoolId}"))) rows.Add(e);
        return rows;
    }

    /// <summary>Moves a pupil's code's closing time, e.g. into the past to close the session under it.</summary>
    public async Task SetCodeClosesAtAsync(string schoolId, string pupilId, DateTimeOffset closesAt)
    {
        var code = Assert.Single(await CodesAsync(schoolId), c => c.GetString("PupilId") == pupilId);
        code["ClosesAt"] = closesAt;
        await Table(StorageNames.CodesTable).UpdateEntityAsync(code, code.ETag, TableUpdateMode.Merge);
    }

    /// <summary>Makes the pupil's code look like one issued before codes kept the pupil's version.</summary>
    public async Task ClearCodePupilVersionAsync(string schoolId, string pupilId)
    {
        var code = Assert.Single(await CodesAsync(schoolId), c => c.GetString("PupilId") == pupilId);
        Assert.False(string.IsNullOrEmpty(code.GetString("PupilVersion")));
        code["PupilVersion"] = string.Empty;
        await Table(StorageNames.CodesTable).UpdateEntityAsync(code, code.ETag, TableUpdateMode.Merge);
    }

    /// <summary>Raw submission blob names under the school's prefix.</summary>
    public async Task<List<string>> SubmissionBlobsAsync(string schoolId)
    {
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient(StorageNames.SubmissionsContainer);
        var names = new List<string>();
        if (!await container.ExistsAsync()) return names;
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = schoolId + "/" })) names.Add(blob.Name);
        return names;
    }

    public async Task<string> ReadBlobAsync(string container, string name) =>
        (await new BlobServiceClient(connectionString).GetBlobContainerClient(container).GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();

    /// <summary>
    /// The school's messages on <c>assessment-scoring</c>, decoded as the Functions host does (Base64). Every message
    /// is received (hidden) once and then made visible again, so the whole queue is read, not just a peek's 32.
    /// </summary>
    public async Task<List<JsonElement>> ScoringMessagesAsync(string schoolId)
    {
        var queue = new QueueClient(connectionString, StorageNames.ScoringQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        if (!await queue.ExistsAsync()) return [];
        var received = new List<QueueMessage>();
        while (true)
        {
            QueueMessage[] batch = await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30));
            if (batch.Length == 0) break;
            received.AddRange(batch);
        }
        foreach (var m in received) await queue.UpdateMessageAsync(m.MessageId, m.PopReceipt, m.Body, TimeSpan.Zero);
        return received.Select(m => Parse(m.Body.ToString()))
            .Where(m => m is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("schoolId", out var id) && id.ValueEquals(schoolId))
            .Select(m => m!.Value)
            .ToList();
    }

    // Other tests may leave malformed messages behind on purpose (poison handling).
    private static JsonElement? Parse(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>R8: nothing of a submission is left behind: no raw blob, no scoring message, no claim, record, marker or result.</summary>
    public async Task AssertNoSubmissionStoredAsync(string schoolId)
    {
        Assert.Empty(await SubmissionBlobsAsync(schoolId));
        Assert.Empty(await ScoringMessagesAsync(schoolId));
        foreach (var prefix in IntakeRowPrefixes) Assert.Empty(await RowsAsync(schoolId, prefix));
        Assert.Empty(await SubmissionsAsync(schoolId));
    }

    /// <summary>
    /// Every place in Azurite where one of the strings occurs (case-insensitively): each table entity's PartitionKey,
    /// RowKey and property values, and each blob's name and content.
    /// </summary>
    public async Task<List<string>> FindAnywhereAsync(IReadOnlyCollection<string> needles)
    {
        var found = new List<string>();
        void Check(string where, string? text)
        {
            if (text is null) return;
            foreach (var n in needles.Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase))) found.Add($"{where} contains {n}");
        }

        var tables = new TableServiceClient(connectionString);
        await foreach (var item in tables.QueryAsync())
        {
            await foreach (var e in tables.GetTableClient(item.Name).QueryAsync<TableEntity>())
            {
                var where = $"table {item.Name} ({e.PartitionKey}, {e.RowKey})";
                Check(where, e.PartitionKey);
                Check(where, e.RowKey);
                foreach (var (key, value) in e) Check($"{where}.{key}", value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                Check($"blob name {container.Name}/{blob.Name}", blob.Name);
                Check($"blob {container.Name}/{blob.Name}", (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
            }
        }
        return found;
    }
}

/// <summary>One submission record as stored on its pupil's entity.</summary>
public sealed record StoredSubmissionRow(string PupilId, string RoundKey, string SubmissionId, string Status, string? Detail);
