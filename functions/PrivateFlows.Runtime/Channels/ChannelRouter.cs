using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;

namespace PrivateFlows.Runtime.Channels;

/// <summary>
/// Carries each message through the adapter its channel is routed to. The sandbox keeps the rendered message;
/// a real adapter is skipped when the effect was already delivered, and every delivery is recorded at once,
/// so a crash re-sends at most the message in flight (with the same idempotency key).
/// </summary>
public sealed class ChannelRouter(
    IEnumerable<IMessageChannel> adapters,
    IMessageLog store,
    IOptionsMonitor<ChannelOptions> options,
    RuntimeMetrics metrics,
    TimeProvider clock,
    ILogger<ChannelRouter> log)
{
    private readonly Dictionary<string, IMessageChannel> _adapters = adapters.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>
    /// The record of a message whose channel is routed to the sandbox (nothing to deliver: the record is the delivery),
    /// or null when a real adapter must carry it.
    /// </summary>
    public MessageRecord? TrySandbox(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var via = options.CurrentValue.RouteOf(message.Channel);
        if (via != Adapters.Sandbox && _adapters.ContainsKey(via)) return null;
        metrics.Sent(message.Channel, Adapters.Sandbox, "sandboxed");
        return Record(message, Adapters.Sandbox, DeliveryStatus.Sandboxed, 0, null);
    }

    public async Task<MessageRecord> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var via = options.CurrentValue.RouteOf(message.Channel);
        if (via == Adapters.Sandbox || !_adapters.TryGetValue(via, out var adapter))
        {
            metrics.Sent(message.Channel, Adapters.Sandbox, "sandboxed");
            return Record(message, Adapters.Sandbox, DeliveryStatus.Sandboxed, 0, null);
        }

        var previous = await store.ReadMessageAsync(message.EffectId, cancellationToken).ConfigureAwait(false);
        if (previous?.Status == DeliveryStatus.Delivered) return previous;

        Delivery delivery;
        try
        {
            delivery = await adapter.DeliverAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            delivery = new Delivery(false, $"{e.GetType().Name}: {e.Message}");
        }

        if (!delivery.Delivered)
        {
            log.LogWarning("Message {EffectId} on {Channel} via {Adapter} failed: {Detail}", message.EffectId, message.Channel, via, delivery.Detail);
        }

        metrics.Sent(message.Channel, via, delivery.Delivered ? "delivered" : "failed");
        var record = Record(message, via, delivery.Delivered ? DeliveryStatus.Delivered : DeliveryStatus.Failed, delivery.Attempts, delivery.Detail);
        await store.RecordMessageAsync(record, cancellationToken).ConfigureAwait(false);
        return record;
    }

    private MessageRecord Record(OutgoingMessage m, string via, DeliveryStatus status, int attempts, string? detail) =>
        new(m.EffectId, m.CustomerId, m.InstanceId, m.Journey, m.Step, m.Channel, m.Category, m.Template, m.Locale, m.Subject, m.Body,
            m.Url?.ToString() ?? m.Address, via, status, attempts, detail, clock.GetUtcNow());
}
