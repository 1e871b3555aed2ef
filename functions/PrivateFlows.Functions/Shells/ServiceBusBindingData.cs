using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using PrivateFlows.Durable.Ingress;

namespace PrivateFlows.Functions.Shells;

/// <summary>The received message as the Service Bus trigger's binding data describes it (MessageId, SessionId, EnqueuedTimeUtc, DeliveryCount).</summary>
public static class ServiceBusBindingData
{
    public static ReceivedMessage Read(byte[] body, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.BindingContext.BindingData;
        string? Text(string name) => data.TryGetValue(name, out var value) ? value?.ToString()?.Trim('"') : null;
        var enqueued = DateTimeOffset.TryParse(Text("EnqueuedTimeUtc"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : DateTimeOffset.UnixEpoch;
        var deliveries = int.TryParse(Text("DeliveryCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1;
        return new ReceivedMessage(new BinaryData(body), Text("MessageId") ?? "", Text("SessionId"), enqueued, deliveries);
    }
}
