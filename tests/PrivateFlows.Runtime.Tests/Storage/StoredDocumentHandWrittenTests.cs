using System.Buffers;
using System.Collections;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Differential;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Simulation;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// The hand-written reader and writer of the stored document against the serializer they replace
/// (<see cref="StoredDocumentFormat.ReadWithSerializer"/>, <see cref="StoredDocumentFormat.WriteWithSerializer"/>):
/// the same bytes written, and the same objects read (every member, the comparer of every sorted collection, the
/// scale of every decimal, the offset of every time), over documents the decider makes and documents with every
/// member set.
/// </summary>
public class StoredDocumentHandWrittenTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decided_documents_are_written_byte_for_byte_as_the_serializer_writes_them_and_read_back_alike()
    {
        var documents = DecidedDocuments().ToList();
        documents.Count.Should().BeGreaterThan(150);
        documents.Should().Contain(d => d.State.Instances.Any(i => i.Waiting != null) && d.State.Profile.Loyalty.Lots.Length > 0 && d.State.RecentSends.Length > 0);
        documents.Should().Contain(d => d.PendingEffects.OfType<SendMessage>().Any() && d.PendingEffects.Any(e => e.GetType() != typeof(SendMessage)));

        foreach (var document in documents) HandWrittenEqualsSerializer(document);
    }

    [Theory]
    [InlineData("format1-waiting-onboarding.json")]
    [InlineData("format1-full-workload-typical.json")]
    [InlineData("format1-full-workload-largest.json")]
    public void A_format1_document_reads_as_the_serializer_reads_it(string name)
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "Documents", name));

        var read = RuntimeJson.Deserialize<CustomerDocument>(json);

        Same(read, ReadWithSerializer(json), "document");
        HandWrittenEqualsSerializer(read);
    }

    [Fact]
    public void A_document_with_every_member_set_round_trips_as_with_the_serializer()
    {
        var document = EveryMemberSet();

        var json = HandWrittenEqualsSerializer(document);

        json.Should().Contain("\"locale\":\"en-US\"").And.Contain("\"reason\":\"wait_for\"").And.Contain("\"status\":\"ended\"")
            .And.Contain("\"category\":\"transactional\"").And.Contain("\"spend\":0.00").And.Contain("+08:00")
            .And.Contain("\"customerId\":\"someone-else\"").And.Contain("\"refunds\":{").And.Contain("\"holds\":[")
            .And.Contain("{\"$type\":\"send_message\",\"instanceId\":\"i-2\"");
    }

    [Fact]
    public void Nulls_where_a_member_has_an_initializer_are_kept_as_the_serializer_keeps_them()
    {
        var everything = EveryMemberSet();
        var document = everything with
        {
            State = everything.State with
            {
                Profile = everything.State.Profile with { Locale = null!, TimeZone = null!, Tier = null!, Channels = null!, Tags = null!, ExternalIds = null! },
                Instances = [everything.State.Instances[0] with { EntryEvent = everything.State.Instances[0].EntryEvent with { Source = null!, Data = null! } }],
            },
        };

        var json = HandWrittenEqualsSerializer(document);

        json.Should().Contain("\"locale\":null").And.Contain("\"channels\":null").And.Contain("\"source\":null").And.NotContain("\"data\"");
    }

    [Fact]
    public void Members_in_another_order_and_unknown_members_read_as_the_serializer_reads_them()
    {
        var root = JsonNode.Parse(RuntimeJson.Serialize(EveryMemberSet()))!.AsObject();
        var state = root["state"]!.AsObject();
        var profile = state["profile"]!;
        state.Remove("profile");
        state.Add("profile", profile); // after the instances: their customer id comes from the restore
        state.Add("unknown", new JsonObject { ["deep"] = new JsonArray(1, 2, new JsonObject()) });
        state["instances"]![0]!.AsObject().Remove("customerId");
        state["instances"]![0]!.AsObject().Add("later", "x");
        profile.AsObject().Add("future", new JsonArray());
        var v = root["v"]!;
        root.Remove("v");
        root.Add("v", v.DeepClone());
        var json = root.ToJsonString();

        var read = RuntimeJson.Deserialize<CustomerDocument>(json);

        Same(read, ReadWithSerializer(json), "document");
        read.State.Instances[0].CustomerId.Should().Be("c-every");
    }

    [Theory]
    [InlineData("instanceId")]
    [InlineData("startedAt")]
    [InlineData("entryEvent")]
    public void An_instance_without_a_required_member_fails_as_with_the_serializer(string member)
    {
        var root = JsonNode.Parse(RuntimeJson.Serialize(EveryMemberSet()))!.AsObject();
        root["state"]!["instances"]![0]!.AsObject().Remove(member);
        var json = root.ToJsonString();

        FluentActions.Invoking(() => ReadWithSerializer(json)).Should().Throw<JsonException>();
        FluentActions.Invoking(() => RuntimeJson.Deserialize<CustomerDocument>(json)).Should().Throw<JsonException>();
    }

    [Fact]
    public void A_wrongly_typed_value_fails_with_a_json_exception()
    {
        var root = JsonNode.Parse(RuntimeJson.Serialize(EveryMemberSet()))!.AsObject();
        root["state"]!["profile"]!["points"] = "many";

        FluentActions.Invoking(() => RuntimeJson.Deserialize<CustomerDocument>(root.ToJsonString())).Should().Throw<JsonException>();
    }

    [Fact]
    public void The_hand_written_reader_and_writer_know_every_member_the_serializer_writes_in_its_order()
    {
        HandWrittenMembers.Differing(StoredDocumentFormat.Options).Should().BeEmpty(
            "a member added to a state type must be taught to StoredStateReader, StoredStateWriter and HandWrittenMembers (until then documents go through the serializer)");
        StoredDocumentFormat.HandWritten.Should().BeTrue();
    }

    [Fact]
    public void A_member_the_hand_written_code_does_not_know_is_noticed()
    {
        var options = new JsonSerializerOptions(StoredDocumentFormat.Options)
        {
            TypeInfoResolver = StoredDocumentFormat.Options.TypeInfoResolver!.WithAddedModifier(info =>
            {
                if (info.Type == typeof(JourneyInstance)) info.Properties.Add(info.CreateJsonPropertyInfo(typeof(string), "priority"));
            }),
        };

        HandWrittenMembers.Differing(options).Should().Equal(typeof(JourneyInstance));
    }

    /// <summary>Writes both ways and compares the bytes, then reads the JSON both ways and compares the objects.</summary>
    private static string HandWrittenEqualsSerializer(CustomerDocument document)
    {
        var json = RuntimeJson.Serialize(document);
        json.Should().Be(WriteWithSerializer(document), "the hand-written writer writes what the serializer writes");
        Same(RuntimeJson.Deserialize<CustomerDocument>(json), ReadWithSerializer(json), "document");
        return json;
    }

    private static string WriteWithSerializer(CustomerDocument document)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = RuntimeJson.Options.Encoder }))
        {
            StoredDocumentFormat.WriteWithSerializer(writer, document);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static CustomerDocument ReadWithSerializer(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return StoredDocumentFormat.ReadWithSerializer(ref reader);
    }

    /// <summary>Member by member: values, the comparers of sorted collections, decimal scales, time offsets, JSON data.</summary>
    private static void Same(object? actual, object? expected, string path)
    {
        if (expected is null)
        {
            actual.Should().BeNull(path);
            return;
        }

        actual.Should().NotBeNull(path);
        actual!.GetType().Should().Be(expected.GetType(), path);
        switch (expected)
        {
            case string or bool or int or long or Enum:
                actual.Should().Be(expected, path);
                return;
            case decimal d:
                ((decimal)actual).Should().Be(d, path);
                ((decimal)actual).Scale.Should().Be(d.Scale, path);
                return;
            case DateTimeOffset t:
                ((DateTimeOffset)actual).Should().Be(t, path);
                ((DateTimeOffset)actual).Offset.Should().Be(t.Offset, path);
                return;
            case JsonNode node:
                ((JsonNode)actual).ToJsonString().Should().Be(node.ToJsonString(), path);
                return;
        }

        var comparer = expected.GetType().GetProperty("KeyComparer");
        if (comparer is not null) comparer.GetValue(actual).Should().BeSameAs(comparer.GetValue(expected), path + " comparer");
        if (expected is IEnumerable items)
        {
            var a = ((IEnumerable)actual).Cast<object?>().ToList();
            var e = items.Cast<object?>().ToList();
            a.Count.Should().Be(e.Count, path);
            for (var i = 0; i < e.Count; i++) Same(a[i], e[i], $"{path}[{i}]");
            return;
        }

        var type = expected.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            Same(type.GetProperty("Key")!.GetValue(actual), type.GetProperty("Key")!.GetValue(expected), path + ".key");
            Same(type.GetProperty("Value")!.GetValue(actual), type.GetProperty("Value")!.GetValue(expected), path + ".value");
            return;
        }

        foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            Same(property.GetValue(actual), property.GetValue(expected), $"{path}.{property.Name}");
        }
    }

    /// <summary>Generated customers (every event kind of the differential test) through the built-in journeys, cut at several moments.</summary>
    private static IEnumerable<CustomerDocument> DecidedDocuments()
    {
        var journeys = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys).Journeys.ToList();
        var customers = new TimelineGenerator(20261207, Start).Customers(60, "h");
        foreach (var customer in customers)
        {
            var first = customer.Events.Min(e => e.Time);
            foreach (var days in new[] { 2, 20, 150 })
            {
                var until = first + TimeSpan.FromDays(days);
                var result = Simulator.Run(journeys, new CustomerProfile { CustomerId = customer.CustomerId }, customer.Timeline.Where(e => e.Time <= until), until, ContactPolicy.Default);
                var document = new CustomerDocument { State = result.FinalState, ProcessedInputs = [.. customer.Timeline.Where(e => e.Time <= until).Select(e => $"e:{e.Id}").Take(CustomerDocument.RememberedInputs)] };
                yield return days == 20 ? document with { PendingEffects = [.. result.Effects.Take(12)] } : document;
            }
        }
    }

    private static CustomerDocument EveryMemberSet()
    {
        var at = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(8));
        var utc = new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
        var entry = new CustomerEvent("e-1", EventTypes.Registered, "someone-else", at, new JsonObject { ["channel"] = "sms", ["nested"] = new JsonObject { ["a"] = new JsonArray(1, "二", null) } }, "shop \"quoted\" <tag>");
        var instance = new JourneyInstance
        {
            InstanceId = "i-1",
            CustomerId = "someone-else",
            Journey = "onboarding",
            Version = "v1",
            EntryEvent = entry,
            StartedAt = default,
            Status = InstanceStatus.Ended,
            StepId = "welcome",
            Waiting = new Waiting { TimerId = "t-1", Until = utc, EventType = "order.completed", Match = ImmutableSortedDictionary<string, string>.Empty.Add("orderId", "SO-1"), Reason = WaitingReason.WaitFor },
            DeferredSends = [new DeferredSend("t-2", "nudge", at, utc)],
            Variant = "b",
            Vars = ImmutableSortedDictionary<string, string>.Empty.Add("k", "值").Add("a-b", "1").Add("ab", "2"),
            Sequence = 7,
            HistoryCount = 9,
            GoalDeadline = at,
            Outcome = InstanceOutcome.Converted,
            EndedAt = utc,
            Error = "boom\n\u2028",
        };
        var mine = instance with { InstanceId = "i-2", CustomerId = "c-every", EntryEvent = entry with { Subject = "c-every", Source = "privateflows", Data = [] }, Status = InstanceStatus.Active, Outcome = null };
        var ordinal = StringComparer.Ordinal;
        var profile = new CustomerProfile
        {
            CustomerId = "c-every",
            Name = "林晓 \"Lin\"",
            Email = "lin@example.com",
            Phone = "13800010001",
            Locale = "en-US",
            TimeZone = "Europe/Berlin",
            Birthday = "1990-02-29",
            Channels = ImmutableSortedDictionary<string, ChannelConsent>.Empty.Add("sms", new ChannelConsent(true, true, "signup", at, "+86 138")).Add("email", new ChannelConsent(false, false, "import", default)),
            Tags = ["vip", "Tea", "tea", "茶"],
            Attributes = ImmutableSortedDictionary<string, string>.Empty.Add("city", "上海").Add("empty", ""),
            Orders = new OrdersSummary(3, 12.50m, 0.00m, at, utc) { Refunds = 1, LastRefundAt = utc },
            Points = -5,
            Tier = "gold",
            Loyalty = new LoyaltyAccount
            {
                Lots = [new PointsLot("l-1", at, utc, 100, 40), new PointsLot("l-2", utc, null, 0, 0)],
                Debt = 3,
                Applied = ImmutableSortedDictionary.Create<string, DateTimeOffset>(ordinal).Add("l-1", at),
                Months = ImmutableSortedDictionary.Create<string, MonthTotals>(ordinal).Add("2026-03", new MonthTotals(10, 0.00m)).Add("2026-02", new MonthTotals()),
                Orders = ImmutableSortedDictionary.Create<string, OrderPoints>(ordinal)
                    .Add("SO-1", new OrderPoints("SO-1") { EventId = "e-9", At = at, Amount = 99.90m, Points = 99, ClawedBack = 9, Refunds = ImmutableSortedDictionary.Create<string, OrderRefund>(ordinal).Add("r-1", new OrderRefund(utc, 9.99m)).Add("r-2", new OrderRefund(at, null)) })
                    .Add("SO-2", new OrderPoints("SO-2")),
                DailyCounts = ImmutableSortedDictionary.Create<string, int>(ordinal).Add("2026-03-02/check_in", 2),
                TierSince = at,
                NextTierReview = utc,
                TimerAt = at,
            },
            Activity = new Activity
            {
                Counts = ImmutableSortedDictionary.Create<string, int>(ordinal).Add("app.opened", 42).Add("zero", 0),
                CheckIns = ImmutableSortedDictionary.Create<string, DateTimeOffset>(ordinal).Add("2026-03-02", at),
                LastCheckInAt = at,
            },
            Fingerprints = new Fingerprints { DeviceIds = ["D1"], Phones = ["13800010001", "13900020002"], PaymentFingerprints = ["p"] },
            LastRecall = new Recall(at, "dormant", 95),
            ReferredBy = new ReferredBy
            {
                ReferrerId = "c-ref",
                Code = "R1",
                AcceptedAt = at,
                EventId = "e-ref",
                FirstPaidOrderAt = utc,
                FirstRefundAt = at,
                Reward = new ReferralReward("rw", "i-9", "c-ref", 100, 50, ReferralRewardStatus.Held, at) { Holds = [new ReferralHold(ReferralHold.SharedDevice, "same device")], Note = "check" },
            },
            RegisteredAt = at,
            LastActiveAt = utc,
            ExternalIds = ImmutableSortedDictionary<string, string>.Empty.Add("wecom", "w-1"),
        };
        var state = new CustomerState
        {
            Profile = profile,
            Instances = [instance, mine],
            RecentSends = [new SendRecord(at, "sms", SendCategory.Transactional, "onboarding", "ef-1"), new SendRecord(utc, "email", SendCategory.Marketing, "win-back", "ef-2")],
            LastEntered = ImmutableSortedDictionary<string, DateTimeOffset>.Empty.Add("onboarding", at).Add("win-back", utc),
        };
        return new CustomerDocument
        {
            State = state,
            PendingEffects =
            [
                new ScheduleTimer("ef-3", "c-every", "t-3", "i-2", at),
                new SendMessage("ef-5", "c-every", "i-2", "onboarding", "welcome", "email", SendCategory.Transactional, "welcome", "en-US", "Hi \"Lin\"", "<p>你好</p>\n", "lin@example.com"),
                new AwardPoints("ef-4", "c-every", "i-2", 10, "welcome"),
                new SendMessage("ef-6", "c-every", "i-2", "onboarding", "nudge", "sms", SendCategory.Marketing, "nudge", "zh-CN", null, "回复TD退订", null),
            ],
            ProcessedInputs = ["e:1", "t:2"],
        };
    }
}
