using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Start-up in order: load published journeys and publish new built-ins, start the workers, then the recovery
/// pass — re-dispatch every outbox left by a crash and queue every accepted event not processed yet, within the
/// backlog limit — before anything new is queued. Stopping abandons queued work: it is all still in the store and recovered next start.
/// </summary>
public sealed class EngineStartup(JourneyPublisher publisher, CustomerQueues queues, ICustomerDocuments customers, IEventInbox inbox, IOptions<ProcessingOptions> options, ILogger<EngineStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await publisher.StartAsync(cancellationToken).ConfigureAwait(false);
        queues.Start();
        var outboxes = await customers.ReadCustomersWithPendingEffectsAsync(cancellationToken).ConfigureAwait(false);
        // By id: the worker reads the bodies of a customer's events when it runs them.
        var events = await inbox.ReadPendingEventIdsAsync(cancellationToken).ConfigureAwait(false);
        await PostWithinBacklogAsync([.. outboxes.Select(StepRequest.Flush), .. events.Select(e => StepRequest.ForStoredEvent(e.CustomerId, e.EventId))], cancellationToken).ConfigureAwait(false);
        queues.MarkReady();
        if (outboxes.Count + events.Count > 0)
        {
            log.LogInformation("Recovery: re-dispatching {Outboxes} outboxes, processing {Events} accepted events", outboxes.Count, events.Count);
        }
    }

    /// <summary>
    /// Queues the recovered work in chunks within <see cref="ProcessingOptions.MaxBacklog"/>, waiting for room between
    /// them, so a large backlog left by a crash does not all sit in memory at once (ingest waits for Ready meanwhile).
    /// </summary>
    private async Task PostWithinBacklogAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxBacklog;
        var chunk = Math.Max(1, Math.Min(500, max / 2));
        for (var i = 0; i < requests.Count; i += chunk)
        {
            var count = Math.Min(chunk, requests.Count - i);
            while (!queues.TryReserve(count, max)) await queues.WhenBacklogAtMostAsync(max - count, cancellationToken).ConfigureAwait(false);
            for (var k = i; k < i + count; k++) queues.PostReserved(requests[k]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => queues.StopAsync(cancellationToken);
}
