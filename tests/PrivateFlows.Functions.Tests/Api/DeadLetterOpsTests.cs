using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using PrivateFlows.Durable.Api;
using PrivateFlows.Runtime.DeadLetters;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>The ops API over the journeys subscription's dead letters, with mocked Service Bus clients.</summary>
public sealed class DeadLetterOpsTests
{
    private readonly Mock<ServiceBusReceiver> _receiver = new();
    private readonly Mock<ServiceBusSender> _sender = new();

    public DeadLetterOpsTests()
    {
        _receiver.Setup(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _receiver.Setup(r => r.AbandonMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<IDictionary<string, object>>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    private DeadLetterOps Ops => new(new DeadLetters(_receiver.Object, _sender.Object, NullLogger<DeadLetters>.Instance));

    [Fact]
    public async Task ListAsync_ShowsReasonDescriptionCustomerEventAndTime()
    {
        _receiver.Setup(r => r.PeekMessagesAsync(100, null, It.IsAny<CancellationToken>())).ReturnsAsync([DeadLettered(7, "evt-7", "c-7")]);

        var answer = await ApiCalls.ExecuteAsync(await Ops.ListAsync(null, null, CancellationToken.None));

        answer.Status.Should().Be(200);
        var item = answer.Json.AsArray().Should().ContainSingle().Subject!;
        item["sequenceNumber"]!.GetValue<long>().Should().Be(7);
        item["eventId"]!.GetValue<string>().Should().Be("evt-7");
        item["customerId"]!.GetValue<string>().Should().Be("c-7");
        item["reason"]!.GetValue<string>().Should().Be("MaxDeliveryCountExceeded");
        item["description"]!.GetValue<string>().Should().Be("too many deliveries");
        item["enqueuedAt"]!.GetValue<DateTimeOffset>().Should().Be(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        item["body"]!.GetValue<string>().Should().Contain("evt-7");
    }

    [Fact]
    public async Task ListAsync_LimitAndFrom_PassedClamped()
    {
        _receiver.Setup(r => r.PeekMessagesAsync(500, 42L, It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var answer = await ApiCalls.ExecuteAsync(await Ops.ListAsync(100_000, 42, CancellationToken.None));

        answer.Json.AsArray().Should().BeEmpty();
        _receiver.Verify(r => r.PeekMessagesAsync(500, 42L, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RequeueAsync_Found_SendsTheCopyAndAnswersItsMessageId()
    {
        _receiver.SetupSequence(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([DeadLettered(7, "evt-7", "c-7")])
            .ReturnsAsync([]);

        var answer = await ApiCalls.ExecuteAsync(await Ops.RequeueAsync("7", CancellationToken.None));

        answer.Status.Should().Be(200);
        answer.Json["messageId"]!.GetValue<string>().Should().Be(DeadLetters.RequeuedMessageId("evt-7", 7));
        _sender.Verify(s => s.SendMessageAsync(It.Is<ServiceBusMessage>(m => m.SessionId == "c-7"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RequeueAsync_Unknown_Answers404()
    {
        _receiver.Setup(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

        var answer = await ApiCalls.ExecuteAsync(await Ops.RequeueAsync("8", CancellationToken.None));

        answer.Status.Should().Be(404);
        answer.Json["title"]!.GetValue<string>().Should().Be("Dead letter not found");
        _sender.Verify(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1e3")]
    public async Task RequeueAsync_NotASequenceNumber_Answers404WithoutTouchingTheQueue(string value)
    {
        (await ApiCalls.ExecuteAsync(await Ops.RequeueAsync(value, CancellationToken.None))).Status.Should().Be(404);
        _receiver.VerifyNoOtherCalls();
    }

    private static ServiceBusReceivedMessage DeadLettered(long sequenceNumber, string messageId, string customerId) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString($$"""{"specversion":"1.0","id":"{{messageId}}","type":"order.completed","source":"shop","subject":"{{customerId}}"}"""),
            messageId: messageId,
            sessionId: customerId,
            contentType: "application/cloudevents+json",
            properties: new Dictionary<string, object> { ["DeadLetterReason"] = "MaxDeliveryCountExceeded", ["DeadLetterErrorDescription"] = "too many deliveries" },
            deliveryCount: 10,
            sequenceNumber: sequenceNumber,
            enqueuedTime: new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
            serviceBusMessageState: ServiceBusMessageState.Active);
}
