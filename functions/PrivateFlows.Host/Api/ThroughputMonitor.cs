using System.Diagnostics.Metrics;
using PrivateFlows.Runtime.Telemetry;

namespace PrivateFlows.Host.Api;

/// <summary>Listens to the runtime's own meter (this app's <see cref="IMeterFactory"/> only) and keeps 10-second buckets.</summary>
internal sealed class ThroughputMonitor : IDisposable
{
    public sealed record ThroughputBucket(DateTimeOffset At, long Processed, long Parked, long Events, long Timers, long Accepted, long Sends, long SendFailures);

    public sealed record ThroughputView(DateTimeOffset Now, int BucketSeconds, DateTimeOffset Since, IReadOnlyList<ThroughputBucket> Buckets,
        double ProcessedPerSecond, double ErrorRate, long ProcessedTotal, long ParkedTotal, long SendsTotal, long SendFailuresTotal);

    public const int BucketSeconds = 10;
    public const int Buckets = 90;
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly long[,] _buckets = new long[Buckets, 7];
    private readonly long[] _stamps = new long[Buckets];
    private readonly DateTimeOffset _since = DateTimeOffset.UtcNow;
    private readonly long[] _totals = new long[4];

    public ThroughputMonitor(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)
                && instrument.Name is "privateflows.inputs.processed" or "privateflows.events.accepted" or "privateflows.sends")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            switch (instrument.Name)
            {
                case "privateflows.inputs.processed":
                    var result = Tag(tags, "result");
                    if (result is "duplicate" or "flushed") return;
                    var parked = result == "parked";
                    Add(0, value);
                    if (parked) Add(1, value);
                    if (Tag(tags, "kind") == "event") Add(2, value);
                    if (Tag(tags, "kind") == "timer") Add(3, value);
                    break;
                case "privateflows.events.accepted":
                    Add(4, value);
                    break;
                case "privateflows.sends":
                    Add(5, value);
                    if (Tag(tags, "outcome") == "failed") Add(6, value);
                    break;
            }
        });
        _listener.Start();
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var t in tags)
        {
            if (t.Key == name) return t.Value?.ToString();
        }

        return null;
    }

    private void Add(int column, long value)
    {
        var slot = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / BucketSeconds;
        lock (_gate)
        {
            var i = (int)(slot % Buckets);
            if (_stamps[i] != slot)
            {
                _stamps[i] = slot;
                for (var c = 0; c < 7; c++) _buckets[i, c] = 0;
            }

            _buckets[i, column] += value;
            switch (column)
            {
                case 0: _totals[0] += value; break;
                case 1: _totals[1] += value; break;
                case 5: _totals[2] += value; break;
                case 6: _totals[3] += value; break;
            }
        }
    }

    public ThroughputView Read()
    {
        var now = DateTimeOffset.UtcNow;
        var current = now.ToUnixTimeSeconds() / BucketSeconds;
        var list = new List<ThroughputBucket>(Buckets);
        lock (_gate)
        {
            for (var slot = current - Buckets + 1; slot <= current; slot++)
            {
                var i = (int)(slot % Buckets);
                var at = DateTimeOffset.FromUnixTimeSeconds(slot * BucketSeconds);
                list.Add(_stamps[i] == slot
                    ? new ThroughputBucket(at, _buckets[i, 0], _buckets[i, 1], _buckets[i, 2], _buckets[i, 3], _buckets[i, 4], _buckets[i, 5], _buckets[i, 6])
                    : new ThroughputBucket(at, 0, 0, 0, 0, 0, 0, 0));
            }

            // Rate over the last minute (six full buckets before the current one), error rate over the window.
            var lastMinute = list.Skip(Buckets - 7).Take(6).Sum(b => b.Processed);
            var processed = list.Sum(b => b.Processed);
            var failed = list.Sum(b => b.Parked) + list.Sum(b => b.SendFailures);
            var attempts = processed + list.Sum(b => b.Sends);
            return new ThroughputView(now, BucketSeconds, _since, list, lastMinute / 60.0, attempts == 0 ? 0 : (double)failed / attempts,
                _totals[0], _totals[1], _totals[2], _totals[3]);
        }
    }

    public void Dispose() => _listener.Dispose();
}
