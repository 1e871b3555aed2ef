using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// The stored customer document (format 2) against documents written by format 1 (main at a28afef, taken from the
/// benchmark's stores): a waiting onboarding customer, and a typical and the largest document of the full workload.
/// </summary>
public class StoredDocumentFormatTests(ITestOutputHelper output)
{
    public static TheoryData<string> Format1Documents => new() { "format1-waiting-onboarding.json", "format1-full-workload-typical.json", "format1-full-workload-largest.json" };

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "Documents", name));

    /// <summary>What a28afef read: the state with the runtime's options, every property present.</summary>
    private static CustomerState ReadAsFormat1(string json) => JsonNode.Parse(json)!["state"].Deserialize<CustomerState>(RuntimeJson.Options)!;

    [Theory]
    [MemberData(nameof(Format1Documents))]
    public void A_format1_document_reads_and_round_trips_through_format2_to_the_same_state(string name)
    {
        var json = Fixture(name);
        var format1 = ReadAsFormat1(json);

        var read = RuntimeJson.Deserialize<CustomerDocument>(json);
        var format2 = RuntimeJson.Serialize(read);
        var again = RuntimeJson.Deserialize<CustomerDocument>(format2);

        format2.Should().StartWith("{\"v\":2,");
        RuntimeJson.Serialize(read.State).Should().Be(RuntimeJson.Serialize(format1));
        RuntimeJson.Serialize(again.State).Should().Be(RuntimeJson.Serialize(format1));
        again.ProcessedInputs.Should().Equal(read.ProcessedInputs);
        again.PendingEffects.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Format1Documents))]
    public void A_format1_document_decides_the_same_as_before_after_a_format2_round_trip(string name)
    {
        var format1 = ReadAsFormat1(Fixture(name));
        var format2 = RuntimeJson.Deserialize<CustomerDocument>(RuntimeJson.Serialize(RuntimeJson.Deserialize<CustomerDocument>(Fixture(name)))).State;
        var journeys = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys).Journeys;
        var at = format1.Profile.LastActiveAt!.Value.AddHours(1);
        var id = format1.CustomerId;

        var inputs = new List<(DecisionInput Input, DateTimeOffset At)>
        {
            (new EventReceived(new CustomerEvent($"{id}-next", EventTypes.OrderCompleted, id, at, new JsonObject { ["orderId"] = $"SO-{id}-next", ["amount"] = 88, ["items"] = new JsonArray(new JsonObject { ["sku"] = "TEA", ["quantity"] = 1, ["useCycleDays"] = 20 }) })), at),
            (new EventReceived(new CustomerEvent($"{id}-open", EventTypes.AppOpened, id, at, [])), at),
        };
        inputs.AddRange(format1.Instances.Where(i => i.Waiting is { TimerId: not null, Until: not null })
            .Select(i => ((DecisionInput)new TimerFired(i.Waiting!.TimerId!, i.InstanceId, i.Waiting.Until!.Value), i.Waiting.Until!.Value)));
        inputs.Count.Should().BeGreaterThan(2, "the fixtures have waiting instances");
        var effects = 0;

        foreach (var (input, when) in inputs)
        {
            var context = DecisionContext.For(when, journeys);
            var before = CustomerDecider.Decide(format1, input, context);
            var after = CustomerDecider.Decide(format2, input, context);
            RuntimeJson.Serialize(after.State).Should().Be(RuntimeJson.Serialize(before.State), input.ToString());
            RuntimeJson.Serialize(after.Effects).Should().Be(RuntimeJson.Serialize(before.Effects), input.ToString());
            effects += before.Effects.Length;
        }

        effects.Should().BeGreaterThan(2, "the inputs do something");
    }

    /// <summary>A size regression test: the bytes format 2 stores for the fixtures, part by part in the output.</summary>
    [Theory]
    [InlineData("format1-waiting-onboarding.json", 2_621, 2_200)]
    [InlineData("format1-full-workload-typical.json", 6_363, 5_350)]
    [InlineData("format1-full-workload-largest.json", 10_062, 8_500)]
    public void Format2_stores_a_document_in_fewer_bytes(string name, int format1Bytes, int atMost)
    {
        var json = Fixture(name).TrimEnd();
        var format2 = RuntimeJson.Serialize(RuntimeJson.Deserialize<CustomerDocument>(json));

        output.WriteLine($"{name}: format 1 {Bytes(json)} bytes → format 2 {Bytes(format2)} bytes");
        output.WriteLine("  format 1: " + Parts(json));
        output.WriteLine("  format 2: " + Parts(format2));
        Bytes(json).Should().Be(format1Bytes);
        Bytes(format2).Should().BeLessThanOrEqualTo(atMost);
    }

    /// <summary>
    /// A size regression test on a freshly decided document: the fixture's registration, decided now with the built-in
    /// journeys (onboarding starts and waits; its entry event keeps only the fields onboarding reads).
    /// </summary>
    [Fact]
    public void A_waiting_onboarding_customer_is_stored_in_at_most_1_500_bytes()
    {
        var format1 = ReadAsFormat1(Fixture("format1-waiting-onboarding.json"));
        var registration = format1.Instances.Single().EntryEvent;
        var journeys = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys).Journeys;
        var decision = CustomerDecider.Decide(CustomerState.New(registration.Subject), new EventReceived(registration), DecisionContext.For(registration.Time, journeys));
        var document = CustomerDocument.New(registration.Subject).After(decision, $"e:{registration.Id}") with { PendingEffects = [] };

        var json = RuntimeJson.Serialize(document);

        output.WriteLine($"waiting onboarding, format 2 after one decision: {Bytes(json)} bytes: {Parts(json)}");
        document.State.Instances.Should().ContainSingle(i => i.Journey == "onboarding" && i.Waiting != null);
        document.State.Instances.Single().EntryEvent.Data.Should().BeEmpty("onboarding reads no field of its entry event but channel, which a registration does not carry");
        Bytes(json).Should().BeLessThanOrEqualTo(1_500, "format 1 stored the same customer in 2,621 bytes");
    }

    [Fact]
    public void A_value_is_left_out_only_when_a_reader_gets_it_back_from_the_initializer()
    {
        var at = new DateTimeOffset(2025, 3, 3, 12, 15, 0, TimeSpan.FromHours(8));
        var profile = new CustomerProfile
        {
            CustomerId = "c1",
            Tier = "gold",
            Locale = "zh-CN",
            Orders = new OrdersSummary(Total: 0.00m),
            Channels = ImmutableSortedDictionary<string, ChannelConsent>.Empty.Add("sms", new ChannelConsent(false, false, "signup", at)),
        };
        var document = new CustomerDocument { State = CustomerState.New("c1") with { Profile = profile } };

        var json = RuntimeJson.Serialize(document);
        var back = RuntimeJson.Deserialize<CustomerDocument>(json);

        json.Should().Contain("\"tier\":\"gold\"").And.NotContain("\"locale\"").And.NotContain("\"tags\"").And.NotContain("\"instances\"");
        json.Should().Contain("\"total\":0.00", "0.00 prints differently from 0 in a template");
        json.Should().Contain("2025-03-03T12:15:00+08:00", "an offset other than UTC is kept");
        RuntimeJson.Serialize(back.State).Should().Be(RuntimeJson.Serialize(document.State));
        back.State.Profile.Orders.Total.Scale.Should().Be(2);
    }

    [Fact]
    public void An_instance_of_another_customer_keeps_its_own_customer_id_and_subject()
    {
        var at = new DateTimeOffset(2025, 3, 3, 4, 15, 0, TimeSpan.Zero);
        var mine = new JourneyInstance { InstanceId = "i1", CustomerId = "c1", Journey = "j", Version = "v", EntryEvent = new CustomerEvent("e1", "t", "c1", at, []), StartedAt = at };
        var odd = mine with { InstanceId = "i2", CustomerId = "c9", EntryEvent = mine.EntryEvent with { Subject = "c8" } };
        var document = new CustomerDocument { State = CustomerState.New("c1") with { Instances = [mine, odd] } };

        var json = RuntimeJson.Serialize(document);
        var back = RuntimeJson.Deserialize<CustomerDocument>(json);

        json.Should().Contain("\"customerId\":\"c9\"").And.Contain("\"subject\":\"c8\"").And.Contain("2025-03-03T04:15:00Z");
        RuntimeJson.Serialize(back.State.Instances).Should().Be(RuntimeJson.Serialize(document.State.Instances));
    }

    private static int Bytes(string json) => Encoding.UTF8.GetByteCount(json);

    private static string Parts(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var state = root["state"]!.AsObject();
        var profile = state["profile"]!.AsObject();
        var parts = new List<string>();
        foreach (var (key, value) in profile) if (Size(value) > 40) parts.Add($"profile.{key} {Size(value)}");
        parts.Add($"profile (all) {Size(profile)}");
        foreach (var (key, value) in state) if (key != "profile") parts.Add($"{key} {Size(value)}");
        if (state["instances"] is JsonArray instances)
        {
            var ended = instances.Where(i => (string?)i!["status"] == "ended").ToList();
            var active = instances.Except(ended).ToList();
            parts.Add($"[{active.Count} active: {active.Sum(Size)}, of which entry events {active.Sum(i => Size(i!["entryEvent"]))}; {ended.Count} ended: {ended.Sum(Size)}]");
        }

        foreach (var (key, value) in root) if (key != "state") parts.Add($"{key} {Size(value)}");
        return string.Join(", ", parts);
    }

    private static int Size(JsonNode? node) => node is null ? 0 : Encoding.UTF8.GetByteCount(node.ToJsonString(RuntimeJson.Options));
}
