namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// The steps of fired timers one worker runs at once, each for a different customer (see
/// <see cref="ProcessingOptions.TimerLanes"/>). Each task answers false when the engine is stopping.
/// </summary>
internal sealed class TimerLanes(int max)
{
    private readonly List<(string CustomerId, Task<bool> Step)> _running = new(max);

    public int Count => _running.Count;

    /// <summary>A lone fired timer, when lanes beside the worker's own step are allowed.</summary>
    public bool Fits(List<StepRequest> batch) => max > 1 && batch.Count == 1 && batch[0].Timer is not null && StepProcessor.CanBatch(batch[0]);

    public bool IsRunning(string customerId)
    {
        foreach (var (running, _) in _running)
        {
            if (running == customerId) return true;
        }

        return false;
    }

    public void Start(string customerId, Task<bool> step) => _running.Add((customerId, step));

    public Task AnyAsync() => Task.WhenAny(_running.Select(r => r.Step));

    /// <summary>Waits for a free lane; false when a finished step says the engine is stopping.</summary>
    public async Task<bool> RoomAsync()
    {
        if (_running.Count < max) return true; // the worker reaped at the top of its turn
        await AnyAsync().ConfigureAwait(false);
        return await ReapAsync().ConfigureAwait(false);
    }

    /// <summary>Removes the finished steps; false when one of them says the engine is stopping.</summary>
    public async Task<bool> ReapAsync()
    {
        var going = true;
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            if (!_running[i].Step.IsCompleted) continue;
            var step = _running[i].Step;
            _running.RemoveAt(i);
            going &= await step.ConfigureAwait(false);
        }

        return going;
    }

    /// <summary>Waits for every running step; false when one of them says the engine is stopping.</summary>
    public async Task<bool> FinishAllAsync()
    {
        var going = true;
        var steps = _running.ConvertAll(r => r.Step);
        _running.Clear();
        foreach (var step in steps)
        {
            try
            {
                going &= await step.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                going = false; // every lane is waited for, whatever one of them ended with
            }
        }

        return going;
    }
}
