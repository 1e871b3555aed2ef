using Azure.Messaging.ServiceBus;
using Moq;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Tests.Api;

public sealed class PoisonInputsTests
{
    [Fact]
    public async Task ListAsync_PoisonQueueMessages_InTheLocalHostsShapeNewestFirst()
    {
        var receiver = new Mock<ServiceBusReceiver>();
        receiver.Setup(r => r.PeekMessagesAsync(200, null, It.IsAny<CancellationToken>())).ReturnsAsync([Poisoned(3, "bad-1", "c-1"), Poisoned(4, "bad-2", null)]);

        var answer = await ApiCalls.ExecuteAsync(await new PoisonInputs(receiver.Object).ListAsync(null, CancellationToken.None));

        answer.Status.Should().Be(200);
        var list = answer.Json.AsArray();
        list.Select(p => p!["inputId"]!.GetValue<string>()).Should().Equal("bad-2", "bad-1");
        var first = list[1]!;
        first["customerId"]!.GetValue<string>().Should().Be("c-1");
        first["kind"]!.GetValue<string>().Should().Be("event");
        first["reason"]!.GetValue<string>().Should().Be("InvalidCloudEvent: type: required");
        first["body"]!.GetValue<string>().Should().Be("{\"id\":\"bad-1\"}");
        first["parkedAt"]!.GetValue<DateTimeOffset>().Should().Be(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        receiver.Verify(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never, "listing must not lock anything");
    }

    private static ServiceBusReceivedMessage Poisoned(long sequenceNumber, string messageId, string? customerId) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString($$"""{"id":"{{messageId}}"}"""),
            messageId: messageId,
            sessionId: customerId,
            properties: new Dictionary<string, object> { ["DeadLetterReason"] = "InvalidCloudEvent", ["DeadLetterErrorDescription"] = "type: required" },
            sequenceNumber: sequenceNumber,
            enqueuedTime: new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
}
