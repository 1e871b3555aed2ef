using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Accepted events: durable in the inbox before the caller hears "accepted", then queued for their customer. When the
/// in-memory backlog is full (<see cref="ProcessingOptions.MaxBacklog"/>) new events are refused before they are stored
/// (<see cref="EngineBusyException"/>), so memory stays bounded and the producer sends them again later.
/// </summary>
public sealed class EventIngest(IJourneyStore store, CustomerQueues queues, TimeProvider clock, RuntimeMetrics metrics, IOptions<ProcessingOptions> options)
{
    public async Task<IngestResult> AcceptAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var activity = RuntimeActivity.Source.StartActivity("ingest");
        activity?.SetTag("privateflows.events", events.Count);
        var settings = options.Value;
        if (!queues.TryReserve(events.Count, settings.MaxBacklog)) throw new EngineBusyException(queues.Outstanding, settings.MaxBacklog, settings.BusyRetryAfter);

        var unused = events.Count;
        try
        {
            var fresh = (await store.AcceptEventsAsync(events, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            await queues.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            var duplicates = new List<string>();
            foreach (var e in events)
            {
                if (fresh.Remove(e.Id))
                {
                    unused--;
                    queues.PostReserved(StepRequest.ForEvent(e));
                }
                else
                {
                    duplicates.Add(e.Id);
                }
            }

            metrics.Accepted(events.Count - duplicates.Count);
            return new IngestResult([.. events.Select(e => e.Id).Distinct(StringComparer.Ordinal)], duplicates);
        }
        finally
        {
            queues.Unreserve(unused);
        }
    }
}

/// <summary>Every accepted id (new or seen before), and which of them were duplicates.</summary>
public sealed record IngestResult(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates);
