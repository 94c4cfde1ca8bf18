using System.Text.Json;
using AsTracking.Core.Retention;
using Azure.Data.Tables;

namespace AsTracking.Storage.Roll;

/// <summary>
/// A planned roll import written down before any entity changes, so that whoever comes next can finish it.
/// It holds only what goes into the table: sealed identity fields, keyed hashes and wrapped keys, never plaintext.
/// Operations are grouped per pupil so that each pupil's entities change in one transaction.
/// </summary>
internal sealed class RollJournal
{
    public string ImportId { get; set; } = "";
    public string ContentHash { get; set; } = "";
    public string Result { get; set; } = "";
    public List<List<JournalEntity>> Groups { get; set; } = [];
    public List<DueItem> Due { get; set; } = [];

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Tables.StorageJson.Options);

    public static RollJournal FromBytes(BinaryData data) =>
        data.ToObjectFromJson<RollJournal>(Tables.StorageJson.Options) ?? throw new InvalidDataException("Empty roll journal.");
}

internal sealed class JournalEntity
{
    public string RowKey { get; set; } = "";
    public bool Replace { get; set; }
    public Dictionary<string, string> Strings { get; set; } = [];
    public Dictionary<string, int> Ints { get; set; } = [];

    public static JournalEntity From(string rowKey, IReadOnlyDictionary<string, object> properties, bool replace)
    {
        var e = new JournalEntity { RowKey = rowKey, Replace = replace };
        foreach (var (name, value) in properties)
        {
            switch (value)
            {
                case string s: e.Strings[name] = s; break;
                case int i: e.Ints[name] = i; break;
                default: throw new ArgumentException($"Unsupported journal property type for {name}.");
            }
        }
        return e;
    }

    public TableTransactionAction ToAction(string partitionKey)
    {
        var entity = new TableEntity(partitionKey, RowKey);
        foreach (var (k, v) in Strings) entity[k] = v;
        foreach (var (k, v) in Ints) entity[k] = v;
        // Merge leaves properties the roll does not own (consent flags) untouched; keys and indexes are replaced.
        return new TableTransactionAction(Replace ? TableTransactionActionType.UpsertReplace : TableTransactionActionType.UpsertMerge, entity);
    }
}
