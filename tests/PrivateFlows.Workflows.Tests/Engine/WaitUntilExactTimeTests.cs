using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>A wait "until 10:00 local" reached at exactly 10:00 is over then, not a day later — through DST changes too.</summary>
public class WaitUntilExactTimeTests
{
    private static readonly TemplateSource[] Templates =
    [
        new("morning", "zh-CN", "早上好 {{ customer.name }}"),
        new("morning", "en", "Good morning {{ customer.name }}"),
    ];

    private static JourneyVersion Journey(string steps)
    {
        var yaml = $$"""
            journey: morning
            category: transactional
            entry:
              event: customer.registered
            steps:
            {{steps}}
            """;
        var result = JourneyLoader.Load("morning.yaml", yaml, Templates);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Journeys.Single();
    }

    private static readonly JourneyVersion Once = Journey("""
          - id: wait-10
            wait_until: { time: "10:00" }
          - id: hello
            send: { channel: sms, template: morning }
        """);

    private static readonly JourneyVersion AfterADay = Journey("""
          - id: wait-1d
            wait: 1d
          - id: wait-10
            wait_until: { time: "10:00" }
          - id: hello
            send: { channel: sms, template: morning }
        """);

    private static readonly JourneyVersion Daily = Journey("""
          - id: wait-10
            wait_until: { time: "10:00" }
          - id: hello
            send: { channel: sms, template: morning }
            next: wait-10
        """);

    [Theory]
    [InlineData(2026, 3, 8)]  // New York springs forward (EST → EDT) at 02:00 that day
    [InlineData(2026, 11, 1)] // New York falls back (EDT → EST) at 02:00 that day
    [InlineData(2026, 6, 15)]
    public void Decide_ReachedAtExactly10Local_SendsAtOnce(int year, int month, int day)
    {
        var ten = Clock.NewYork(year, month, day, 10);

        var result = Sim.Run(Once, People.EmilyChen("c1"), ten.AddDays(3), Events.Registered("r1", ten));

        result.Single("waited", "wait-10").Detail.Should().Be($"wait already over at {InstanceRun.Format(ten)}");
        result.Single("sent", "hello").Time.Should().Be(ten);
    }

    [Fact]
    public void Decide_OneDayWaitEndingAt10_WaitUntil10DoesNotAddADay()
    {
        var ten = Clock.Shanghai(2026, 3, 2, 10);

        var result = Sim.Run(AfterADay, People.LinXiao("c1"), ten.AddDays(5), Events.Registered("r1", ten));

        result.Single("sent", "hello").Time.Should().Be(ten.AddDays(1), result.Dump());
    }

    [Fact]
    public void Decide_DailyLoopAcrossSpringForward_SendsAt10LocalEachDayOnce()
    {
        var ten = Clock.NewYork(2026, 3, 7, 10);

        var result = Sim.Run(Daily, People.EmilyChen("c1"), Clock.NewYork(2026, 3, 9, 12), Events.Registered("r1", ten));

        result.Of("sent").Select(t => Clock.Local(t.Time, People.NewYorkZone)).Should().Equal("2026-03-07 10:00", "2026-03-08 10:00", "2026-03-09 10:00");
        result.Of("faulted").Should().BeEmpty("looping back to the wait at 10:00 waits for tomorrow's 10:00");
    }

    [Fact]
    public void Decide_BirthdaySignUpAtExactly10_GreetedAtOnceAndNextYearAfter()
    {
        var birthday = Clock.Shanghai(2026, 3, 15, 10);

        var result = Sim.Run(BuiltIn.Journey(BuiltIn.BirthdayCare), People.LinXiao("c1"), birthday.AddDays(2), Events.Registered("r1", birthday, data: new JsonObject { ["birthday"] = "1990-03-15" }));

        result.Single("sent", "greeting-wecom").Time.Should().Be(birthday);
        result.Steps()[^1].Detail.Should().Contain("(2027-03-15 10:00 Asia/Shanghai)");
    }

    [Fact]
    public void NextTimeOfDay_IncludeNowInsideSpringForwardGap_TheShiftedInstantIsNow()
    {
        // 02:30 does not exist on 2026-03-08 in New York: it is 03:30 EDT (07:30Z). At that instant the wait is over.
        var shifted = new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero);

        CustomerClock.NextTimeOfDay(shifted, new TimeOnly(2, 30), People.NewYorkZone, includeNow: true).Should().Be(shifted);
        CustomerClock.NextTimeOfDay(shifted, new TimeOnly(2, 30), People.NewYorkZone).Should().Be(new DateTimeOffset(2026, 3, 9, 6, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void NextTimeOfDay_IncludeNowAtTheSecondOfTwoAmbiguousTimes_TakesTomorrow()
    {
        // 01:30 happens twice on 2026-11-01 in New York; an ambiguous local time is its earlier instant (05:30Z), which has passed at 06:30Z.
        var second = new DateTimeOffset(2026, 11, 1, 6, 30, 0, TimeSpan.Zero);

        CustomerClock.NextTimeOfDay(second, new TimeOnly(1, 30), People.NewYorkZone, includeNow: true).Should().Be(new DateTimeOffset(2026, 11, 2, 6, 30, 0, TimeSpan.Zero));
    }
}
