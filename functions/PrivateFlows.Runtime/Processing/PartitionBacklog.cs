namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// A worker's requests taken off its channel and not run yet, queued per customer, with the customers in turn. Taking
/// a customer's batch costs only the batch (no scan of everything waiting), so a worker can look far ahead and a
/// customer's inputs meet in one step. Each customer's requests keep their order; customers take turns in the order
/// they arrived, a customer with more left going to the back of the line.
/// </summary>
internal sealed class PartitionBacklog
{
    private readonly Dictionary<string, Queue<StepRequest>> _byCustomer = new(StringComparer.Ordinal);
    private readonly Queue<string> _turns = new();
    private readonly Stack<Queue<StepRequest>> _spare = new();

    public int Count { get; private set; }

    public void Add(StepRequest request)
    {
        if (!_byCustomer.TryGetValue(request.CustomerId, out var queue))
        {
            queue = _spare.Count > 0 ? _spare.Pop() : new Queue<StepRequest>();
            _byCustomer.Add(request.CustomerId, queue);
            _turns.Enqueue(request.CustomerId);
        }

        queue.Enqueue(request);
        Count++;
    }

    /// <summary>
    /// Moves the next customer's first request into <paramref name="batch"/> with, when it can be batched, that
    /// customer's next requests up to <paramref name="max"/>, stopping at the first that cannot be batched (it runs
    /// alone at the customer's next turn), so a customer's inputs are never reordered.
    /// </summary>
    public void TakeBatch(List<StepRequest> batch, int max) => TryTakeBatch(batch, max, null);

    /// <summary>
    /// <see cref="TakeBatch"/> from the first customer in turn for whom <paramref name="busy"/> is false (a customer
    /// whose step is still running waits, the others pass it); false when every waiting customer is busy.
    /// </summary>
    public bool TryTakeBatch(List<StepRequest> batch, int max, Func<string, bool>? busy)
    {
        batch.Clear();
        var customerId = _turns.Dequeue();
        for (var passed = 1; busy is not null && busy(customerId); passed++)
        {
            _turns.Enqueue(customerId); // keeps its requests, goes to the back of the line
            if (passed == _turns.Count) return false;
            customerId = _turns.Dequeue();
        }

        var queue = _byCustomer[customerId];
        var head = queue.Dequeue();
        batch.Add(head);
        if (max > 1 && StepProcessor.CanBatch(head))
        {
            while (batch.Count < max && queue.TryPeek(out var next) && StepProcessor.CanBatch(next)) batch.Add(queue.Dequeue());
        }

        Count -= batch.Count;
        if (queue.Count > 0)
        {
            _turns.Enqueue(customerId);
            return true;
        }

        _byCustomer.Remove(customerId);
        if (_spare.Count < 64) _spare.Push(queue); // reused: customers come and go all the time
        return true;
    }
}
