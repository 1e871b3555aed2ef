namespace PrivateFlows.Runtime.Channels;

/// <summary>A channel adapter. Delivery must be safe to repeat for the same effect id (the receiver's idempotency key).</summary>
public interface IMessageChannel
{
    /// <summary>The adapter's name in <see cref="ChannelOptions.Routes"/>.</summary>
    string Name { get; }

    Task<Delivery> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
