using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>Consent first (never bypassed), then quiet hours and frequency caps for marketing, shared by all journeys of a customer.</summary>
public class ContactPressureTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);

    private static readonly TemplateSource[] Templates =
    [
        new("promo", "zh-CN", "{{ customer.name }}，新品上架"),
        new("promo", "en", "{{ customer.name }}, new arrivals"),
        .. BuiltIn.Templates.Where(t => t.Name == MessageRenderer.MarketingPartial),
    ];

    private static JourneyVersion OneSend(string name, int priority, string channel, string extra = "")
    {
        var yaml = $$"""
            journey: {{name}}
            priority: {{priority}}
            entry:
              event: customer.registered
            steps:
              - id: promo
                send: { channel: {{channel}}, template: promo{{extra}} }
            """;
        var result = JourneyLoader.Load(name + ".yaml", yaml, Templates);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Journeys.Single();
    }

    private static JourneyVersion Daily(string category)
    {
        var yaml = $$"""
            journey: daily
            entry:
              event: customer.registered
            steps:
              - id: day0
                send: { channel: sms, template: promo, category: {{category}} }
              - id: w1
                wait: 1d
              - id: day1
                send: { channel: sms, template: promo, category: {{category}} }
              - id: w2
                wait: 1d
              - id: day2
                send: { channel: sms, template: promo, category: {{category}} }
              - id: w3
                wait: 1d
              - id: day3
                send: { channel: sms, template: promo, category: {{category}} }
            """;
        return JourneyLoader.Load("daily.yaml", yaml, Templates).Journeys.Single();
    }

    [Fact]
    public void Send_NoConsentForTheChannel_SuppressedAndNeverSent()
    {
        var noSms = People.LinXiao("c1").WithChannels((Channels.Email, true, true));

        var result = Sim.Run([OneSend("promo-a", 50, Channels.Sms)], noSms, T0.AddDays(10), ContactPolicy.Default, Events.Registered("r1", T0));

        result.Single("suppressed", "promo").Detail.Should().Be("promo not sent: no consent for sms");
        result.Sends().Should().BeEmpty();
        result.EffectsOf<ScheduleTimer>().Should().BeEmpty("a consent block is never retried");
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Completed);
    }

    [Fact]
    public void Send_ConsentWithoutMarketing_MarketingSuppressedWithSourceAndDate()
    {
        var serviceOnly = People.LinXiao("c1").WithChannels((Channels.Sms, true, false));

        var result = Sim.Run([OneSend("promo-a", 50, Channels.Sms)], serviceOnly, T0.AddDays(10), ContactPolicy.Default, Events.Registered("r1", T0));

        result.Single("suppressed", "promo").Detail.Should().Be("promo not sent: no marketing consent for sms (signup, 2025-01-01)");
        result.Sends().Should().BeEmpty();
    }

    [Fact]
    public void Send_Transactional_BypassesCapsAndQuietHours()
    {
        var lateEvening = Clock.Shanghai(2026, 3, 2, 23, 0);

        var result = Sim.Run([Daily("transactional"), OneSend("promo-a", 50, Channels.Sms, ", category: transactional")], People.LinXiao("c1"), lateEvening.AddDays(5), ContactPolicy.Default, Events.Registered("r1", lateEvening));

        result.Sends().Should().HaveCount(5).And.OnlyContain(s => s.Category == SendCategory.Transactional);
        result.Of("deferred").Should().BeEmpty();
        result.Of("suppressed").Should().BeEmpty();
        result.Sends().Should().OnlyContain(s => !s.Body.Contains("【广告】"));
    }

    [Fact]
    public void Send_TransactionalWithoutConsent_StillSuppressed()
    {
        var noSms = People.LinXiao("c1").WithChannels((Channels.Sms, false, false));

        var result = Sim.Run([OneSend("promo-a", 50, Channels.Sms, ", category: transactional")], noSms, T0.AddDays(1), ContactPolicy.Default, Events.Registered("r1", T0));

        result.Single("suppressed", "promo").Detail.Should().StartWith("promo not sent: no consent for sms");
        result.Sends().Should().BeEmpty();
    }

    [Fact]
    public void Send_TwoJourneysSameMoment_CapOfOneADayDefersTheLowerPriorityOneUntilTheCapFrees()
    {
        var high = OneSend("promo-a", 60, Channels.Sms);
        var low = OneSend("promo-b", 40, Channels.Email);

        var result = Sim.Run([low, high], People.LinXiao("c1"), T0.AddDays(5), ContactPolicy.Default, Events.Registered("r1", T0));

        var sends = result.Sends();
        sends.Select(s => s.Journey).Should().Equal("promo-a", "promo-b");
        result.Timeline.Single(t => t.Kind == "sent" && t.Journey == "promo-a").Time.Should().Be(T0);
        var deferred = result.Timeline.Single(t => t.Kind == "deferred");
        deferred.Journey.Should().Be("promo-b");
        deferred.Detail.Should().Be("promo deferred until 2026-03-03T02:00:00Z: frequency cap 1 marketing per 1d on all channels reached");
        result.Timeline.Single(t => t.Kind == "sent" && t.Journey == "promo-b").Time.Should().Be(T0.AddDays(1));
    }

    [Fact]
    public void Send_CapReachedWithOnLimitDrop_SuppressedWithReason()
    {
        var high = OneSend("promo-a", 60, Channels.Sms);
        var low = OneSend("promo-b", 40, Channels.Sms, ", on_limit: drop");

        var result = Sim.Run([high, low], People.LinXiao("c1"), T0.AddDays(5), ContactPolicy.Default, Events.Registered("r1", T0));

        result.Sends().Select(s => s.Journey).Should().Equal("promo-a");
        var suppressed = result.Timeline.Single(t => t.Kind == "suppressed");
        suppressed.Journey.Should().Be("promo-b");
        suppressed.Detail.Should().Be("promo dropped: frequency cap 1 marketing per 1d on all channels reached");
        result.Of("deferred").Should().BeEmpty();
    }

    [Fact]
    public void Send_QuietHoursWithOnLimitDrop_SuppressedWithReason()
    {
        var result = Sim.Run([OneSend("promo-a", 50, Channels.Sms, ", on_limit: drop")], People.LinXiao("c1"), T0.AddDays(5), ContactPolicy.Default,
            Events.Registered("r1", Clock.Shanghai(2026, 3, 2, 22, 0)));

        result.Single("suppressed", "promo").Detail.Should().Be("promo dropped: quiet hours 21:00–09:00 in Asia/Shanghai");
        result.Sends().Should().BeEmpty();
    }

    [Fact]
    public void Send_WeeklyCapWouldDeferPastMaxDeferral_DroppedAsIrrelevant()
    {
        var result = Sim.Run([Daily("marketing")], People.LinXiao("c1"), T0.AddDays(10), ContactPolicy.Default, Events.Registered("r1", T0));

        result.Sends().Select(s => s.StepId).Should().Equal("day0", "day1", "day2");
        result.Single("suppressed", "day3").Detail.Should().Be("promo dropped: frequency cap 3 marketing per 7d on all channels reached, and deferring past 3d makes it irrelevant");
    }

    [Fact]
    public void Send_UnlimitedPolicy_NoCapsNoQuietHours()
    {
        var lateEvening = Clock.Shanghai(2026, 3, 2, 23, 0);

        var result = Sim.Run([Daily("marketing"), OneSend("promo-a", 50, Channels.Sms)], People.LinXiao("c1"), lateEvening.AddDays(5), ContactPolicy.Unlimited, Events.Registered("r1", lateEvening));

        result.Sends().Should().HaveCount(5).And.OnlyContain(s => s.Body.StartsWith("【广告】", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_CapIsPerCategory_TransactionalSendsDoNotUseUpTheMarketingCap()
    {
        var recent = System.Collections.Immutable.ImmutableArray.Create(
            new SendRecord(T0.AddHours(-1), Channels.Sms, SendCategory.Transactional, "x", "e1"),
            new SendRecord(T0.AddHours(-2), Channels.Sms, SendCategory.Transactional, "x", "e2"));

        var check = ContactArbiter.Check(People.LinXiao("c1"), recent, Channels.Sms, SendCategory.Marketing, T0, ContactPolicy.Default);

        check.Allowed.Should().BeTrue();
    }

    [Fact]
    public void Check_MarketingSentYesterdayEvening_FreesExactlyADayLater()
    {
        var recent = System.Collections.Immutable.ImmutableArray.Create(new SendRecord(T0.AddHours(-2), Channels.AppPush, SendCategory.Marketing, "x", "e1"));

        var check = ContactArbiter.Check(People.LinXiao("c1"), recent, Channels.Sms, SendCategory.Marketing, T0, ContactPolicy.Default);

        check.Allowed.Should().BeFalse();
        check.Block.Should().Be(ContactBlock.FrequencyCap);
        check.RetryAt.Should().Be(T0.AddHours(22));
    }
}
