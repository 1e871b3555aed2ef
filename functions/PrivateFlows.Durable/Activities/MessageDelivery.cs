using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Durable.Activities;

/// <summary>
/// The <c>DeliverMessage</c> activity: one journey send (or webhook call) through the channel adapter its channel
/// is routed to (<c>PrivateFlows:Channels:Routes</c>, sandbox by default), with the effect id as the receiver's
/// idempotency key. Once the activity completed, Durable never runs it again for that step; a crash inside it
/// re-delivers with the same key. A failed delivery is recorded as failed (it does not fail the customer's journeys).
/// </summary>
public sealed class MessageDelivery(IEnumerable<IMessageChannel> adapters, IOptionsMonitor<ChannelOptions> options, TimeProvider clock, ILogger<MessageDelivery> log)
{
    private readonly Dictionary<string, IMessageChannel> _adapters = adapters.ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>Input: the effect (<see cref="SendMessage"/> or <see cref="CallWebhook"/>) as runtime JSON; output: its <see cref="MessageRecord"/> as runtime JSON.</summary>
    public async Task<string> RunAsync(string effectJson, CancellationToken cancellationToken = default)
    {
        var effect = RuntimeJson.Deserialize<Effect>(effectJson);
        var message = OutgoingMessage.From(effect) ?? throw new ArgumentException($"effect {effect.EffectId} ({effect.GetType().Name}) sends nothing", nameof(effectJson));
        return RuntimeJson.Serialize(await DeliverAsync(message, cancellationToken).ConfigureAwait(false));
    }

    public async Task<MessageRecord> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var via = options.CurrentValue.RouteOf(message.Channel);
        if (via == Adapters.Sandbox || !_adapters.TryGetValue(via, out var adapter)) return Record(message, Adapters.Sandbox, DeliveryStatus.Sandboxed, 0, null);

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
            log.LogWarning("Message {EffectId} for customer {CustomerId} on {Channel} via {Adapter} failed: {Detail}", message.EffectId, message.CustomerId, message.Channel, via, delivery.Detail);
        }

        return Record(message, via, delivery.Delivered ? DeliveryStatus.Delivered : DeliveryStatus.Failed, delivery.Attempts, delivery.Detail);
    }

    private MessageRecord Record(OutgoingMessage m, string via, DeliveryStatus status, int attempts, string? detail) =>
        new(m.EffectId, m.CustomerId, m.InstanceId, m.Journey, m.Step, m.Channel, m.Category, m.Template, m.Locale, m.Subject, m.Body,
            m.Url?.ToString() ?? m.Address, via, status, attempts, detail, clock.GetUtcNow());
}
