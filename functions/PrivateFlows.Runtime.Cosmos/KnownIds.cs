using System.Collections.Concurrent;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// A bounded map from an id the API passes alone (an instance id, a message's effect id) to the customer partition
/// it lives in, or from a customer to what this app instance last wrote of it, filled from what this read model
/// instance has read or written. A miss falls back to a (logged) cross-partition query or one more write. When full it
/// is cleared: forgetting costs a query or a write, never correctness.
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
