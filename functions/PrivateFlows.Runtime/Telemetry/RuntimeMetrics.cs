using System.Diagnostics;
using System.Diagnostics.Metrics;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Telemetry;

/// <summary>The engine's metrics: inputs processed, step latency, timer lateness, sends by channel and outcome.</summary>
public sealed class RuntimeMetrics
{
    public const string MeterName = "PrivateFlows.Runtime";

    private readonly Counter<long> _processed;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _timerLateness;
    private readonly Histogram<int> _stepInputs;
    private readonly Counter<long> _sends;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _accepted;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _processed = meter.CreateCounter<long>("privateflows.inputs.processed", "{input}", "Inputs (events, timers, commands) processed, by kind and result");
        _stepDuration = meter.CreateHistogram<double>("privateflows.step.duration", "ms", "Time from picking an input to its effects being dispatched");
        _timerLateness = meter.CreateHistogram<double>("privateflows.timer.lateness", "ms", "How long after its due time a timer was decided");
        _stepInputs = meter.CreateHistogram<int>("privateflows.step.inputs", "{input}", "Inputs decided and committed in one step (more than 1 when a customer's queued inputs were batched)");
        _sends = meter.CreateCounter<long>("privateflows.sends", "{message}", "Messages by channel, adapter and outcome");
        _conflicts = meter.CreateCounter<long>("privateflows.commit.conflicts", "{conflict}", "ETag conflicts on customer documents (each retried)");
        _accepted = meter.CreateCounter<long>("privateflows.events.accepted", "{event}", "Events accepted into the inbox (duplicates excluded)");
    }

    public void Accepted(int count) => _accepted.Add(count);

    public void StepDone(StepRequest request, StepResult result, TimeSpan duration)
    {
        var kind = request.Input switch
        {
            null => "recovery",
            EventReceived => "event",
            TimerFired => "timer",
            _ => "command",
        };
        var tags = new TagList { { "kind", kind }, { "result", result.ToString().ToLowerInvariant() } };
        _processed.Add(1, tags);
        _stepDuration.Record(duration.TotalMilliseconds, tags);
    }

    /// <summary>A step committed <paramref name="inputs"/> inputs at once.</summary>
    public void StepCommitted(int inputs) => _stepInputs.Record(inputs);

    public void TimerLateness(TimeSpan lateness) => _timerLateness.Record(Math.Max(0, lateness.TotalMilliseconds));

    public void Sent(string channel, string via, string outcome) =>
        _sends.Add(1, new TagList { { "channel", channel }, { "via", via }, { "outcome", outcome } });

    public void Conflict() => _conflicts.Add(1);
}
