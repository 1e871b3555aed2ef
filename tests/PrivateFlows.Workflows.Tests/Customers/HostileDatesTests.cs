using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Segments;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>
/// Issue 17.4: year-9999 order and check-in dates, impossible birthdays and unknown time zones — already stored or
/// arriving past ingest validation — never make the decider or the profile projection throw.
/// </summary>
public class HostileDatesTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 10, 12, 0);
    private static readonly DateTimeOffset Year9999 = new(9999, 12, 31, 23, 59, 0, TimeSpan.Zero);

    private static Decide AllJourneys(CustomerProfile? profile = null) => new(profile, journeys: BuiltIn.All);

    [Theory]
    [InlineData("13-45")]
    [InlineData("99-99")]
    [InlineData("02-30")]
    [InlineData("not a date")]
    [InlineData("9999-12-31")]
    public void Decide_ImpossibleBirthday_NoThrowAndTheBirthdayJourneyDoesNotFault(string birthday)
    {
        var decide = AllJourneys();

        var act = () =>
        {
            decide.Event(Events.Registered("r1", T0, data: new JsonObject { ["birthday"] = birthday, ["name"] = "Lin" }));
            decide.Event(Events.Order("o1", T0.AddHours(1)));
            decide.Timer(T0.AddDays(400));
        };

        act.Should().NotThrow();
        decide.State.Instances.Should().NotContain(i => i.Status == InstanceStatus.Faulted);
        if (birthday != "9999-12-31")
        {
            decide.Profile.Birthday.Should().BeNull("an impossible birthday is no birthday");
            decide.State.Instances.Should().NotContain(i => i.Journey == BuiltIn.BirthdayCare);
        }
        var model = () => TemplateSandbox.Render("{{ customer.birthday }} {{ customer.segments }}", ScriptModel.For(decide.Profile, null, null, T0));
        model.Should().NotThrow();
    }

    [Fact]
    public void Decide_ImpossibleBirthdayAlreadyStored_TreatedAsAbsent()
    {
        var decide = AllJourneys(People.LinXiao("c1") with { Birthday = "13-45" });

        decide.Event(Events.Registered("r1", T0));

        decide.State.Instances.Should().NotContain(i => i.Journey == BuiltIn.BirthdayCare);
        decide.Profile.Birthday.Should().Be("13-45", "the stored value stays visible to ops");
        TemplateSandbox.Render("{{ customer.birthday ?? 'none' }}", ScriptModel.For(decide.Profile, null, null, T0)).Should().Be("none");
    }

    [Fact]
    public void Decide_UnknownTimeZone_DefaultZoneUsedAndTheStoredValueStaysVisible()
    {
        var decide = AllJourneys();

        var act = () => decide.Event(Events.Registered("r1", T0, data: new JsonObject { ["timeZone"] = "Mars/Olympus", ["birthday"] = "05-11" }));

        act.Should().NotThrow();
        decide.Profile.TimeZone.Should().Be("Mars/Olympus", "what the producer sent stays visible to ops");
        CustomerClock.IsKnownZone(decide.Profile.TimeZone).Should().BeFalse();
        var waiting = decide.Of<RecordHistory>().Single(h => h.Entry.Journey == BuiltIn.BirthdayCare && h.Entry.Kind == HistoryKind.Waiting).Entry;
        waiting.Detail.Should().Be("until 2026-05-11T02:00:00Z (2026-05-11 10:00 Asia/Shanghai; time zone 'Mars/Olympus' unknown)");
    }

    [Theory]
    [InlineData("order.completed")]
    [InlineData("customer.checked_in")]
    [InlineData("order.refunded")]
    [InlineData("app.opened")]
    [InlineData("customer.registered")]
    [InlineData("referral.accepted")]
    public void Decide_EventDatedYear9999_NoThrow(string type)
    {
        var decide = AllJourneys(People.LinXiao("c1") with { Birthday = "05-11" });
        decide.Event(Events.Registered("r0", T0));

        var e = Events.Make("far", type, Year9999, new JsonObject { ["orderId"] = "SO-1", ["amount"] = 100, ["referrerId"] = "cust-2" });
        var act = () =>
        {
            decide.Event(e, T0.AddHours(1));
            decide.Event(Events.Order("o2", T0.AddHours(2)));
            decide.Timer(T0.AddDays(40));
        };

        act.Should().NotThrow();
        var reads = () =>
        {
            Lifecycle.Stage(decide.Profile, T0.AddDays(41));
            RfmScoring.Score(decide.Profile, T0.AddDays(41));
            SegmentEvaluator.Memberships(decide.Profile, T0.AddDays(41));
            TemplateSandbox.Render("{{ customer.lifecycle }} {{ customer.rfm.r }} {{ customer.points }}", ScriptModel.For(decide.Profile, null, null, T0.AddDays(41)));
        };
        reads.Should().NotThrow();
    }

    [Fact]
    public void Decide_EventDatedYear9999_FarFutureTimesAreNotKeptOnTheProfile()
    {
        var decide = AllJourneys();
        decide.Event(Events.Registered("r0", T0));

        decide.Event(Events.Order("far", Year9999), T0.AddHours(1));

        decide.Profile.LastActiveAt.Should().BeBefore(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        decide.Profile.Orders.LastAt.Should().BeBefore(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }
}
