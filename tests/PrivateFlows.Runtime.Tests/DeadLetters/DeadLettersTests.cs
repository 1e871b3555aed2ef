using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using PrivateFlows.Runtime.DeadLetters;

namespace PrivateFlows.Runtime.Tests.DeadLetters;

/// <summary>Listing and requeueing the journeys subscription's dead letters, over mocked Service Bus clients.</summary>
public sealed class DeadLettersTests
{
    private readonly Mock<ServiceBusReceiver> _receiver = new();
    private readonly Mock<ServiceBusSender> _sender = new();
    private readonly List<string> _calls = [];

    public DeadLettersTests()
    {
        _receiver.Setup(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusReceivedMessage m, CancellationToken _) => _calls.Add($"complete {m.SequenceNumber}"))
            .Returns(Task.CompletedTask);
        _receiver.Setup(r => r.AbandonMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<IDictionary<string, object>>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusReceivedMessage m, IDictionary<string, object> _, CancellationToken _) => _calls.Add($"abandon {m.SequenceNumber}"))
            .Returns(Task.CompletedTask);
        _sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusMessage m, CancellationToken _) => _calls.Add($"send {m.MessageId}"))
            .Returns(Task.CompletedTask);
    }

    private PrivateFlows.Runtime.DeadLetters.DeadLetters Queue => new(_receiver.Object, _sender.Object, NullLogger<PrivateFlows.Runtime.DeadLetters.DeadLetters>.Instance);

    [Fact]
    public async Task ListAsync_PeekedDeadLetters_CarryReasonDescriptionCustomerAndBody()
    {
        _receiver.Setup(r => r.PeekMessagesAsync(10, 7L, It.IsAny<CancellationToken>()))
            .ReturnsAsync([DeadLettered(7, "evt-1", "cust-1", "MaxDeliveryCountExceeded", "Message could not be consumed after 10 delivery attempts.")]);

        var list = await Queue.ListAsync(10, 7, CancellationToken.None);

        list.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            SequenceNumber = 7L,
            MessageId = "evt-1",
            CustomerId = "cust-1",
            Reason = "MaxDeliveryCountExceeded",
            Description = "Message could not be consumed after 10 delivery attempts.",
            DeliveryCount = 10,
            ContentType = "application/cloudevents+json",
            Body = Body("evt-1"),
        });
        _receiver.Verify(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never, "listing must not lock anything");
    }

    [Fact]
    public async Task RequeueAsync_DeadLetterFound_SendsACopyThenCompletesItAndReleasesTheOthers()
    {
        ServiceBusMessage? sent = null;
        _sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusMessage m, CancellationToken _) => { sent = m; _calls.Add($"send {m.MessageId}"); })
            .Returns(Task.CompletedTask);
        Batches([DeadLettered(1, "evt-a", "cust-a"), DeadLettered(2, "evt-b", "cust-b"), DeadLettered(3, "evt-c", "cust-c")]);

        var outcome = await Queue.RequeueAsync(2, CancellationToken.None);

        outcome.Should().Be(new RequeueOutcome(true, 2, "requeue-2-evt-b"));
        _calls.Should().Equal("send requeue-2-evt-b", "complete 2", "abandon 1", "abandon 3");
        sent!.SessionId.Should().Be("cust-b", "the customer's events stay in one session");
        sent.Body.ToString().Should().Be(Body("evt-b"));
        sent.ContentType.Should().Be("application/cloudevents+json");
        sent.ApplicationProperties.Should().NotContainKeys(PrivateFlows.Runtime.DeadLetters.DeadLetters.ReasonProperty, PrivateFlows.Runtime.DeadLetters.DeadLetters.DescriptionProperty);
        sent.ApplicationProperties.Should().Contain("source-system", "shop", "the producer's own properties travel with the copy");
        sent.ApplicationProperties[PrivateFlows.Runtime.DeadLetters.DeadLetters.RequeuedFromProperty].Should().Be(2L);
    }

    [Fact]
    public async Task RequeueAsync_DeadLetterInALaterBatch_KeepsEarlierOnesLockedUntilTheSearchEnds()
    {
        var first = Enumerable.Range(1, 50).Select(i => DeadLettered(i, $"evt-{i}", "cust")).ToList();
        Batches(first, [DeadLettered(51, "evt-51", "cust")]);

        var outcome = await Queue.RequeueAsync(51, CancellationToken.None);

        outcome.Requeued.Should().BeTrue();
        _calls.Take(2).Should().Equal("send requeue-51-evt-51", "complete 51");
        _calls.Skip(2).Should().HaveCount(50).And.OnlyContain(c => c.StartsWith("abandon ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequeueAsync_NoSuchDeadLetter_SendsNothingAndReleasesAll()
    {
        Batches([DeadLettered(1, "evt-a", "cust-a"), DeadLettered(3, "evt-c", "cust-c")]);

        var outcome = await Queue.RequeueAsync(2, CancellationToken.None);

        outcome.Should().Be(RequeueOutcome.NotFound(2));
        _calls.Should().Equal("abandon 1", "abandon 3");
    }

    [Fact]
    public async Task RequeueAsync_SendFails_TheDeadLetterStaysAndNothingIsLost()
    {
        _sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("unavailable", ServiceBusFailureReason.ServiceBusy));
        Batches([DeadLettered(1, "evt-a", "cust-a"), DeadLettered(2, "evt-b", "cust-b")]);

        var requeue = () => Queue.RequeueAsync(2, CancellationToken.None);

        await requeue.Should().ThrowAsync<ServiceBusException>();
        _calls.Should().Equal("abandon 1");
        _receiver.Verify(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void Copy_SameDeadLetterTwice_SameMessageIdOtherThanTheOriginals()
    {
        var deadLetter = DeadLettered(9, "evt-9", "cust-9");

        var first = PrivateFlows.Runtime.DeadLetters.DeadLetters.Copy(deadLetter);
        var second = PrivateFlows.Runtime.DeadLetters.DeadLetters.Copy(deadLetter);

        first.MessageId.Should().Be(second.MessageId, "the topic's duplicate detection drops a second requeue of the same dead letter")
            .And.NotBe("evt-9", "the same id as the original would be dropped as its duplicate within the detection window");
    }

    [Fact]
    public void RequeuedMessageId_LongOriginal_FitsServiceBusLimit()
    {
        PrivateFlows.Runtime.DeadLetters.DeadLetters.RequeuedMessageId(new string('x', 128), 123456).Length.Should().Be(128);
    }

    private void Batches(params IReadOnlyList<ServiceBusReceivedMessage>[] batches)
    {
        var sequence = _receiver.SetupSequence(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()));
        foreach (var batch in batches) sequence = sequence.ReturnsAsync(batch);
        sequence.ReturnsAsync([]);
    }

    private static string Body(string eventId) =>
        $$"""{"specversion":"1.0","id":"{{eventId}}","type":"order.completed","source":"shop","subject":"cust"}""";

    private static ServiceBusReceivedMessage DeadLettered(long sequenceNumber, string messageId, string customerId, string reason = "MaxDeliveryCountExceeded", string description = "too many deliveries") =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(Body(messageId)),
            messageId: messageId,
            sessionId: customerId,
            contentType: "application/cloudevents+json",
            properties: new Dictionary<string, object>
            {
                ["DeadLetterReason"] = reason,
                ["DeadLetterErrorDescription"] = description,
                ["source-system"] = "shop",
            },
            deliveryCount: 10,
            sequenceNumber: sequenceNumber,
            enqueuedTime: new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
            serviceBusMessageState: ServiceBusMessageState.Active);
}
