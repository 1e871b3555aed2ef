using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Accepted events: durable in the inbox before the caller hears "accepted", then queued for their customer (by id only
/// when the backlog is deeper than <see cref="ProcessingOptions.MaxEventsInMemory"/>). When the
/// in-memory backlog is full (<see cref="ProcessingOptions.MaxBacklog"/>) new events are refused before they are stored
/// (<see cref="EngineBusyException"/>), so memory stays bounded and the producer sends them again later.
/// </summary>
public sealed class EventIngest(IEventInbox store, CustomerQueues queues, TimeProvider clock, RuntimeMetrics metrics, IOptions<ProcessingOptions> options)
{
    public async Task<IngestResult> AcceptAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var activity = RuntimeActivity.Source.StartActivity("ingest");
        activity?.SetTag("privateflows.events", events.Count);
        var settings = options.Value;
        // Recovery first: it fills the backlog within its limit too, and a reservation held while waiting for it could starve it.
        await queues.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!queues.TryReserve(events.Count, settings.MaxBacklog)) throw new EngineBusyException(queues.Outstanding, settings.MaxBacklog, settings.BusyRetryAfter);

        var unused = events.Count;
        try
        {
            var fresh = (await store.AcceptEventsAsync(events, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            var accepted = new List<string>();
            var duplicates = new List<string>();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            // A deep backlog keeps only ids in memory: the bodies are in the inbox already.
            var byId = queues.Outstanding > settings.MaxEventsInMemory;
            foreach (var e in events)
            {
                // The first of a repeated id is the one stored: its id is accepted, and a repeat later in the batch adds nothing.
                if (fresh.Remove(e.Id))
                {
                    unused--;
                    queues.PostReserved(byId ? StepRequest.ForStoredEvent(e.Subject, e.Id) : StepRequest.ForEvent(e));
                    accepted.Add(e.Id);
                    listed.Add(e.Id);
                }
                else if (listed.Add(e.Id))
                {
                    duplicates.Add(e.Id);
                }
            }

            metrics.Accepted(accepted.Count);
            return new IngestResult(accepted, duplicates);
        }
        finally
        {
            queues.Unreserve(unused);
        }
    }
}

/// <summary>The ids stored by this request, and the ids stored before it: each id of a request is in exactly one list, once.</summary>
public sealed record IngestResult(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates);
