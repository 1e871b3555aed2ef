namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// Fills <c>event_timeline</c> behind the inbox (SqliteSchema.Timeline): about once a second, the events accepted
/// since its mark are added in one write of the single writer, sorted by customer, so each page of the timeline is
/// written once for many events instead of once per event. Readers never wait for it: events after the mark are found
/// by their seq range.
/// </summary>
internal sealed class TimelineIndexer : IAsyncDisposable
{
    /// <summary>The most events one write adds: after a long stop, catching up holds the writer in short turns.</summary>
    internal const int MaxEventsPerWrite = 50_000;

    private const string Add = """
        INSERT OR IGNORE INTO event_timeline (customer_id, seq)
        SELECT customer_id, seq FROM events WHERE seq > $from AND seq <= $to ORDER BY customer_id, seq
        """;

    private readonly SqliteWriter _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="every">Physical pacing, not business time (the engine's TimeProvider may be a virtual or fake clock); infinite: only <see cref="IndexAsync"/>.</param>
    public TimelineIndexer(SqliteWriter writer, TimeSpan every)
    {
        _writer = writer;
        _loop = every == Timeout.InfiniteTimeSpan ? Task.CompletedTask : Task.Run(() => LoopAsync(every));
    }

    /// <summary>Adds the events after the mark (at most <see cref="MaxEventsPerWrite"/>); returns how many it covered.</summary>
    public Task<long> IndexAsync(CancellationToken cancellationToken = default) => _writer.WriteAsync(scope =>
    {
        var from = scope.Scalar("SELECT upto FROM event_timeline_mark") is long upto ? upto : 0;
        var last = scope.Scalar("SELECT MAX(seq) FROM events") is long max ? max : from;
        var to = Math.Min(last, from + MaxEventsPerWrite);
        if (to <= from) return 0L;
        scope.Execute(Add, ("$from", from), ("$to", to));
        scope.Execute("INSERT INTO event_timeline_mark (id, upto) VALUES (1, $to) ON CONFLICT (id) DO UPDATE SET upto = excluded.upto", ("$to", to));
        return to - from;
    }, cancellationToken);

    private async Task LoopAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    // WaitAsync: stopping never waits for a writer that is gone.
                    while (await IndexAsync(_stop.Token).WaitAsync(_stop.Token).ConfigureAwait(false) >= MaxEventsPerWrite)
                    {
                        // a long tail: the next turn at once
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
                {
                    // The next tick tries again; until then the events after the mark are found by their seq range.
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
