using System.Collections.Concurrent;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Functions.Tests.Support;

/// <summary>
/// The read model in memory, with the Cosmos read model's idempotency: history entries, messages and ledger entries
/// are keyed by their deterministic ids, so a step written twice shows once.
/// </summary>
public sealed class InMemoryReadModel : ICustomerReadModel
{
    private readonly ConcurrentDictionary<string, Customer> _customers = new(StringComparer.Ordinal);
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public int Writes;

    public Task WriteStepAsync(CustomerStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        Interlocked.Increment(ref Writes);
        var customer = _customers.GetOrAdd(step.Document.CustomerId, _ => new Customer());
        lock (customer)
        {
            customer.Steps.Add(step);
            foreach (var effect in step.Effects)
            {
                if (effect is RecordHistory h && customer.HistoryIds.Add(h.Entry.EntryId)) customer.History.Add((step.At, h.Entry));
            }

            foreach (var m in step.Messages) customer.Messages.TryAdd(m.EffectId, (step.At, m));
        }

        Signal();
        return Task.CompletedTask;
    }

    /// <summary>Completes when <paramref name="condition"/> holds, checked now and after every step written; throws past <paramref name="within"/>.</summary>
    public async Task WhenAsync(Func<bool> condition, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters) _waiters.Add((condition, done));
        Signal();
        try
        {
            await done.Task.WaitAsync(within);
        }
        finally
        {
            lock (_waiters) _waiters.RemoveAll(w => w.Done == done);
        }
    }

    private void Signal()
    {
        List<(Func<bool> Condition, TaskCompletionSource Done)> waiting;
        lock (_waiters) waiting = [.. _waiters];
        foreach (var (condition, done) in waiting)
        {
            if (condition()) done.TrySetResult();
        }
    }

    public Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) => Task.FromResult(_customers.TryRemove(customerId, out _));

    public IReadOnlyList<CustomerStep> Steps(string customerId, DateTimeOffset? until = null) =>
        _customers.TryGetValue(customerId, out var c) ? Locked(c, () => c.Steps.Where(s => until is null || s.At <= until).ToList()) : [];

    public IReadOnlyList<HistoryEntry> History(string customerId, DateTimeOffset? until = null) =>
        _customers.TryGetValue(customerId, out var c) ? Locked(c, () => c.History.Where(h => until is null || h.At <= until).Select(h => h.Entry).ToList()) : [];

    public IReadOnlyList<MessageRecord> Messages(string customerId, DateTimeOffset? until = null) =>
        _customers.TryGetValue(customerId, out var c) ? Locked(c, () => c.Messages.Values.Where(m => until is null || m.At <= until).Select(m => m.Message).ToList()) : [];

    public CustomerDocument? Document(string customerId, DateTimeOffset? until = null) => Steps(customerId, until).LastOrDefault()?.Document;

    private static T Locked<T>(Customer c, Func<T> read)
    {
        lock (c) return read();
    }

    private sealed class Customer
    {
        public List<CustomerStep> Steps { get; } = [];
        public HashSet<string> HistoryIds { get; } = new(StringComparer.Ordinal);
        public List<(DateTimeOffset At, HistoryEntry Entry)> History { get; } = [];
        public Dictionary<string, (DateTimeOffset At, MessageRecord Message)> Messages { get; } = new(StringComparer.Ordinal);
    }
}
