using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Start-up in order: load published journeys and publish new built-ins, start the workers, then the recovery
/// pass — re-dispatch every outbox left by a crash and queue every accepted event not processed yet — before
/// anything new is queued. Stopping abandons queued work: it is all still in the store and recovered next start.
/// </summary>
public sealed class EngineStartup(JourneyPublisher publisher, CustomerQueues queues, ICustomerDocuments customers, IEventInbox inbox, ILogger<EngineStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await publisher.StartAsync(cancellationToken).ConfigureAwait(false);
        queues.Start();
        var outboxes = await customers.ReadCustomersWithPendingEffectsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var customer in outboxes) queues.Post(StepRequest.Flush(customer));
        var events = await inbox.ReadPendingEventsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var e in events) queues.Post(StepRequest.ForEvent(e));
        queues.MarkReady();
        if (outboxes.Count + events.Count > 0)
        {
            log.LogInformation("Recovery: re-dispatching {Outboxes} outboxes, processing {Events} accepted events", outboxes.Count, events.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => queues.StopAsync(cancellationToken);
}
