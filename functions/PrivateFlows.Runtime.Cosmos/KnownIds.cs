using System.Collections.Concurrent;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// A bounded map from an id the engine passes alone (an event id, an effect id, a timer id, an instance id) to the
/// partition it lives in, filled from what this store instance has read or written. The engine only asks about ids
/// it got from this store, so lookups hit; a miss falls back to a (logged) cross-partition query. When full it is
/// cleared: forgetting costs a query, never correctness.
/// </summary>
internal sealed class KnownIds<T>(int capacity)
{
    private readonly ConcurrentDictionary<string, T> _map = new(StringComparer.Ordinal);

    public void Remember(string id, T value)
    {
        if (_map.Count >= capacity) _map.Clear();
        _map[id] = value;
    }

    public bool TryGet(string id, out T value) => _map.TryGetValue(id, out value!);

    public void Forget(string id) => _map.TryRemove(id, out _);

    public void ForgetWhere(Func<T, bool> predicate)
    {
        foreach (var (id, value) in _map)
        {
            if (predicate(value)) _map.TryRemove(id, out _);
        }
    }
}
