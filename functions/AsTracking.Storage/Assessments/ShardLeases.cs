namespace AsTracking.Storage.Assessments;

/// <summary>
/// Hands each concurrent summary writer of a school a shard that no other writer in this instance holds, so writers
/// in one instance never race for a row; a writer waits only when every shard is taken. Each school's shards start
/// in a random order, so instances do not all begin on the same one.
/// </summary>
internal sealed class ShardLeases(int shards)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Pool> _pools = new(StringComparer.Ordinal);

    public async Task<int> AcquireAsync(string schoolId, CancellationToken ct)
    {
        var pool = _pools.GetOrAdd(schoolId, _ => new Pool(shards));
        await pool.Free.WaitAsync(ct).ConfigureAwait(false);
        lock (pool.Shards) return pool.Shards.Dequeue();
    }

    public void Release(string schoolId, int shard)
    {
        var pool = _pools[schoolId];
        lock (pool.Shards) pool.Shards.Enqueue(shard);
        pool.Free.Release();
    }

    private sealed class Pool
    {
        public Pool(int shards)
        {
            var order = Enumerable.Range(0, shards).ToArray();
            Random.Shared.Shuffle(order);
            Shards = new Queue<int>(order);
            Free = new SemaphoreSlim(shards, shards);
        }

        public Queue<int> Shards { get; }
        public SemaphoreSlim Free { get; }
    }
}
