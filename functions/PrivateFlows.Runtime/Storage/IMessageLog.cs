namespace PrivateFlows.Runtime.Storage;

/// <summary>The messages journeys sent (or tried to), whichever channel adapter carried them.</summary>
public interface IMessageLog
{
    Task<IReadOnlyList<MessageRecord>> ReadMessagesAsync(string customerId, int limit, CancellationToken cancellationToken = default);

    Task<MessageRecord?> ReadMessageAsync(string effectId, CancellationToken cancellationToken = default);

    /// <summary>Records a delivery right after it happened (a delivered message is never downgraded).</summary>
    Task RecordMessageAsync(MessageRecord message, CancellationToken cancellationToken = default);
}
