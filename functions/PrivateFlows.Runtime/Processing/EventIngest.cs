using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Processing;

/// <summary>Accepted events: durable in the inbox before the caller hears "accepted", then queued for their customer.</summary>
public sealed class EventIngest(IJourneyStore store, CustomerQueues queues, TimeProvider clock, RuntimeMetrics metrics)
{
    public async Task<IngestResult> AcceptAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var activity = RuntimeActivity.Source.StartActivity("ingest");
        activity?.SetTag("privateflows.events", events.Count);
        var fresh = (await store.AcceptEventsAsync(events, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        await queues.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var duplicates = new List<string>();
        foreach (var e in events)
        {
            if (fresh.Remove(e.Id)) queues.Post(StepRequest.ForEvent(e));
            else duplicates.Add(e.Id);
        }

        metrics.Accepted(events.Count - duplicates.Count);
        return new IngestResult([.. events.Select(e => e.Id).Distinct(StringComparer.Ordinal)], duplicates);
    }
}

/// <summary>Every accepted id (new or seen before), and which of them were duplicates.</summary>
public sealed record IngestResult(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates);
