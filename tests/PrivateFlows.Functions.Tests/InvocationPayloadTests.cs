using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Functions.CustomHandler;
using PrivateFlows.Functions.Tests.Support;

namespace PrivateFlows.Functions.Tests;

/// <summary>Reading the host's invocation payloads tolerantly, and writing Service Bus batches.</summary>
public sealed class InvocationPayloadTests
{
    private static InvocationRequest Parse(JsonNode node) => InvocationRequest.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()))!;

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Metadata_and_body_read_the_same_however_the_host_encodes_them(bool quoted, bool doubleEncoded)
    {
        var e = CloudEvents.Order("c-1", "o-1", 10);
        var request = Parse(Invocations.ServiceBus(e.ToJsonString(), "c-1", "o-1", deliveryCount: 3, new JsonObject { ["privateflows-kind"] = "timer" }, doubleEncoded, quoted));

        request.Text("SessionId").Should().Be("c-1");
        request.Text("MessageId").Should().Be("o-1");
        request.Number("DeliveryCount").Should().Be(3);
        request.Number("SequenceNumber").Should().Be(42);
        request.Text("ContentType").Should().Be("application/cloudevents+json");
        request.Text("CorrelationId").Should().BeNull();
        request.Object("UserProperties")!["privateflows-kind"]!.GetValue<string>().Should().Be("timer");
        var (body, _, error) = InvocationRequest.MessageBody(request.Binding("message"));
        error.Should().BeNull();
        JsonNode.DeepEquals(body, e).Should().BeTrue();
    }

    [Fact]
    public void Key_case_and_unknown_keys_do_not_matter()
    {
        var request = Parse(new JsonObject
        {
            ["data"] = new JsonObject { ["Message"] = "{\"id\":\"x\"}" },
            ["metadata"] = new JsonObject { ["sessionId"] = "\"\\\"s-1\\\"\"", ["deliverycount"] = 2.0, ["Whatever"] = new JsonArray(1, 2) },
            ["Extra"] = true,
        });

        request.Text("SessionId").Should().Be("s-1", "a string holding a JSON string holding the id is unwrapped twice");
        request.Number("DeliveryCount").Should().Be(2);
        InvocationRequest.MessageBody(request.Binding("message")).Body!["id"]!.GetValue<string>().Should().Be("x");
    }

    [Fact]
    public void A_binary_body_given_as_base64_is_decoded()
    {
        var json = CloudEvents.Registered("b64").ToJsonString();
        var (body, _, error) = InvocationRequest.MessageBody(JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(json))));
        error.Should().BeNull();
        body!["subject"]!.GetValue<string>().Should().Be("b64");
    }

    [Theory]
    [InlineData("[1,2]", "one CloudEvent object, not an array")]
    [InlineData("\"just text\"", "not JSON")]
    [InlineData("42", "not a JSON object")]
    public void A_body_that_is_not_one_JSON_object_is_an_error(string message, string expected)
    {
        var request = Parse(JsonNode.Parse($"{{\"Data\":{{\"message\":{message}}}}}")!);
        var (body, _, error) = InvocationRequest.MessageBody(request.Binding("message"));
        body.Should().BeNull();
        error.Should().Contain(expected);
    }

    [Fact]
    public void Not_an_invocation_at_all_is_null()
    {
        InvocationRequest.Parse("not json"u8).Should().BeNull();
        InvocationRequest.Parse("[1]"u8).Should().BeNull();
    }

    [Fact]
    public void Batches_stay_under_the_byte_and_count_limits_and_keep_every_message_in_order()
    {
        var messages = Enumerable.Range(0, 500)
            .Select(i => new BrokerMessage(new string('x', 900) + i, $"s-{i}", $"m-{i}", new Dictionary<string, string> { ["privateflows-kind"] = "timer" }))
            .ToList();

        var batches = ServiceBusRestSender.Batches(messages, maxBytes: 64 * 1024, maxMessages: 100).ToList();

        batches.Should().HaveCountGreaterThan(5);
        batches.Should().OnlyContain(b => b.Json.Length <= 64 * 1024 && b.Batch.Count <= 100);
        var sent = batches.SelectMany(b => JsonNode.Parse(b.Json)!.AsArray()).Select(m => m!["BrokerProperties"]!["MessageId"]!.GetValue<string>());
        sent.Should().Equal(messages.Select(m => m.MessageId));
        batches.SelectMany(b => b.Batch).Should().Equal(messages);
    }

    [Fact]
    public void Ids_longer_than_Service_Bus_takes_are_hashed_stably()
    {
        var longId = new string('c', 150);
        TimerMessage.BrokerId("cust-1").Should().Be("cust-1");
        TimerMessage.BrokerId(longId).Should().HaveLength("sha256:".Length + 64).And.Be(TimerMessage.BrokerId(longId));
    }

    [Theory]
    [InlineData("sb-x.servicebus.windows.net", "https://sb-x.servicebus.windows.net/customer-events/messages")]
    [InlineData("sb://sb-x.servicebus.windows.net/", "https://sb-x.servicebus.windows.net/customer-events/messages")]
    [InlineData("http://127.0.0.1:5999", "http://127.0.0.1:5999/customer-events/messages")]
    public void The_send_address_follows_the_namespace_setting(string ns, string expected)
    {
        new ServiceBusOptions { FullyQualifiedNamespace = ns }.MessagesUri().Should().Be(new Uri(expected));
    }

    [Fact]
    public void Response_logs_render_the_structured_values()
    {
        InvocationLog.Render("Processed {What} for {CustomerId}: {Count} {{literal}}", ["event e-1", "c-1", 3]).Should().Be("Processed event e-1 for c-1: 3 {literal}");
        JsonSerializer.Serialize(new InvocationResponse()).Should().Be("""{"Outputs":{},"Logs":[],"ReturnValue":null}""");
    }
}
