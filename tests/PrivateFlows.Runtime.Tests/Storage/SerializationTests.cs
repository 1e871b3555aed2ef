using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Tests.Storage;

public class SerializationTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 3, 12, 15, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Every_effect_round_trips_through_the_base_type_with_a_snake_case_discriminator()
    {
        var entry = new HistoryEntry("i/h0", "i", "onboarding", At, HistoryKind.GoalReached, "welcome", "converted");
        ImmutableArray<Effect> effects =
        [
            new ScheduleTimer("i/1/timer", "c1", "i/1/timer", "i", At.AddDays(1)),
            new CancelTimer("i/2/cancel", "c1", "i/1/timer", "i"),
            new SendMessage("i/3/send", "c1", "i", "onboarding", "welcome", "sms", SendCategory.Marketing, "onboarding-coupon", "zh-CN", null, "【广告】你好", "+86138"),
            new AwardPoints("i/4/points", "c1", "i", 200, "birthday-bonus"),
            new IssueCoupon("i/5/coupon", "c1", "i", "FIRST20", "FIRST20-ABCD", 20.5m, At.AddDays(7)),
            new ChangeTags("i/6/tag", "c1", "i", ["a", "b"], []),
            new SetAttribute("i/7/attribute", "c1", "i", "stage", "new"),
            new CallWebhook("i/8/webhook", "c1", "i", "https://crm.example/hook", "{\"x\":1}"),
            new RewardReferral("i/9/referral", "c1", "i", "c0", 500, 200, true, "self-referral"),
            new RecordHistory("i/h0", "c1", entry),
            new CompleteInstance("i/10/complete", "c1", "i", "onboarding", InstanceOutcome.Converted, "A"),
        ];

        var json = RuntimeJson.Serialize(effects);
        var back = RuntimeJson.Deserialize<ImmutableArray<Effect>>(json);

        back.Should().HaveCount(effects.Length);
        for (var i = 0; i < effects.Length; i++)
        {
            back[i].GetType().Should().Be(effects[i].GetType());
        }

        json.Should().Contain("\"$type\":\"schedule_timer\"").And.Contain("\"$type\":\"record_history\"").And.Contain("\"kind\":\"goal_reached\"");
        json.Should().Contain("\"category\":\"marketing\"").And.Contain("【广告】你好");
        ((ChangeTags)back[5]).Added.Should().Equal("a", "b");
        ((IssueCoupon)back[4]).Amount.Should().Be(20.5m);
        ((ScheduleTimer)back[0]).DueAt.Should().Be(At.AddDays(1));
        ((RecordHistory)back[9]).Entry.Should().Be(entry);
    }

    [Fact]
    public void A_customer_document_round_trips_with_profile_instances_outbox_and_processed_ids()
    {
        var e = new CustomerEvent("evt-1", EventTypes.OrderCompleted, "c1", At, new JsonObject { ["orderId"] = "SO-1", ["amount"] = 159.0, ["items"] = new JsonArray(new JsonObject { ["sku"] = "TEA" }) });
        var instance = new JourneyInstance
        {
            InstanceId = "win-back-1",
            CustomerId = "c1",
            Journey = "win-back",
            Version = "abc",
            EntryEvent = e,
            StartedAt = At,
            StepId = "wait-30d",
            Waiting = new Waiting { TimerId = "t1", Until = At.AddDays(30), Reason = WaitingReason.WaitFor, EventType = "order.refunded", Match = ImmutableSortedDictionary<string, string>.Empty.Add("orderId", "SO-1") },
            Vars = ImmutableSortedDictionary<string, string>.Empty.Add("coupon_code", "X-1"),
            Sequence = 3,
            HistoryCount = 4,
        };
        var state = CustomerState.New("c1") with
        {
            Profile = new CustomerProfile
            {
                CustomerId = "c1",
                Name = "林晓",
                Tags = ["vip"],
                Channels = ImmutableSortedDictionary<string, ChannelConsent>.Empty.Add("sms", new ChannelConsent(true, false, "signup", At)),
                Orders = new OrdersSummary(1, 159m, 0m, At, At),
                Points = 42,
            },
            Instances = [instance],
            RecentSends = [new SendRecord(At, "sms", SendCategory.Marketing, "win-back", "x/1/send")],
            LastEntered = ImmutableSortedDictionary<string, DateTimeOffset>.Empty.Add("win-back", At),
        };
        var document = new CustomerDocument
        {
            State = state,
            PendingEffects = [new AwardPoints("p1", "c1", "win-back-1", 5, "r")],
            ProcessedInputs = ["e:evt-1"],
            Version = 7,
        };

        var json = RuntimeJson.Serialize(document);
        var back = RuntimeJson.Deserialize<CustomerDocument>(json);

        json.Should().NotContain("\"isActive\"").And.NotContain("\"version\":7", "the version is the ETag column, not part of the JSON");
        back.Version.Should().Be(0);
        back.ProcessedInputs.Should().Equal("e:evt-1");
        back.PendingEffects.Should().ContainSingle().Which.Should().Be(document.PendingEffects[0]);
        back.State.Profile.Name.Should().Be("林晓");
        back.State.Profile.Tags.Should().Equal("vip");
        back.State.Profile.Channels["sms"].Should().Be(state.Profile.Channels["sms"]);
        back.State.Profile.Orders.Should().Be(state.Profile.Orders);
        back.State.RecentSends.Should().Equal(state.RecentSends);
        back.State.LastEntered.Should().Equal(state.LastEntered);
        var i = back.State.Instances.Should().ContainSingle().Subject;
        i.Waiting!.Match.Should().Equal(instance.Waiting.Match);
        i.Waiting.Reason.Should().Be(WaitingReason.WaitFor);
        i.Vars.Should().Equal(instance.Vars);
        i.EntryEvent.Data.ToJsonString().Should().Be(e.Data.ToJsonString());
        i.Sequence.Should().Be(3);
        RuntimeJson.Serialize(back).Should().Be(json, "a second round trip changes nothing");
    }

    [Fact]
    public void Decision_inputs_are_polymorphic_too()
    {
        DecisionInput input = new TimerFired("t1", "i1", At);
        var json = RuntimeJson.Serialize(input);
        json.Should().Contain("\"$type\":\"timer_fired\"");
        RuntimeJson.Deserialize<DecisionInput>(json).Should().Be(input);
    }

    [Fact]
    public void An_unknown_discriminator_is_an_error_not_a_silent_null()
    {
        var act = () => RuntimeJson.Deserialize<Effect>("{\"$type\":\"launch_rocket\",\"effectId\":\"x\",\"customerId\":\"c\"}");
        act.Should().Throw<System.Text.Json.JsonException>();
    }

    [Fact]
    public void A_stored_timer_and_message_shape_is_stable()
    {
        var timer = new DueTimer("t", "c", "i", At);
        RuntimeJson.Serialize(timer).Should().Be("{\"timerId\":\"t\",\"customerId\":\"c\",\"instanceId\":\"i\",\"dueAt\":\"2025-03-03T12:15:00+08:00\"}");
        Paths.BuiltInJourneys.Should().NotBeNullOrEmpty();
    }
}
