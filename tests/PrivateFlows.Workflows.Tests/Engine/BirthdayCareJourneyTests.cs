using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>birthday-care: every year on the birthday at 10:00 local time, 200 points and a greeting (WeCom for Chinese speakers, email otherwise).</summary>
public class BirthdayCareJourneyTests
{
    private static readonly JourneyVersion Journey = BuiltIn.Journey(BuiltIn.BirthdayCare);
    private static readonly CustomerProfile Lin = People.LinXiao("c1");

    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);
    private static readonly DateTimeOffset Birthday2026 = Clock.Shanghai(2026, 3, 15, 10, 0);

    private static CustomerEvent SignUp(DateTimeOffset at, string? birthday, string id = "r1") =>
        Events.Registered(id, at, data: birthday is null ? [] : new JsonObject { ["birthday"] = birthday });

    [Fact]
    public void Simulate_BirthdayKnownAtSignUp_PointsAndWeComGreetingAt10Local()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(30), SignUp(T0, "1990-03-15"));

        result.Path().Should().Equal(
            "entered",
            "waiting wait-birthday",
            "waited wait-birthday",
            "action birthday-points",
            "branched greeting-channel",
            "sent greeting-wecom",
            "waiting wait-birthday");
        result.Single("sent", "greeting-wecom").Time.Should().Be(Birthday2026);
        result.EffectsOf<AwardPoints>().Should().ContainSingle().Which.Should().BeEquivalentTo(new { Points = 200L, Reason = "birthday-bonus" });
        result.FinalState.Profile.Points.Should().Be(200);

        var greeting = result.Send("greeting-wecom");
        greeting.Channel.Should().Be(Channels.WeCom);
        greeting.Body.Should().StartWith("【广告】林晓，生日快乐！").And.Contain("200生日积分").And.EndWith("回复TD退订");
    }

    [Fact]
    public void Simulate_TwoYears_GreetsAgainNextBirthdayWithNewIds()
    {
        var result = Sim.Run(Journey, Lin, Clock.Shanghai(2027, 4, 1, 0, 0), SignUp(T0, "03-15"));

        result.Of("sent").Select(t => t.Time).Should().Equal(Birthday2026, Clock.Shanghai(2027, 3, 15, 10, 0));
        var points = result.EffectsOf<AwardPoints>();
        points.Should().HaveCount(2);
        points.Select(p => p.EffectId).Should().OnlyHaveUniqueItems();
        result.Sends().Select(s => s.EffectId).Should().OnlyHaveUniqueItems();
        result.FinalState.Profile.Points.Should().Be(400);
        result.Steps()[^1].Detail.Should().Be("until 2028-03-15T02:00:00Z (2028-03-15 10:00 Asia/Shanghai)");
    }

    [Fact]
    public void Simulate_SignUpOnBirthdayMorning_GreetsTheSameDay()
    {
        var result = Sim.Run(Journey, Lin, Birthday2026.AddDays(1), SignUp(Clock.Shanghai(2026, 3, 15, 8, 0), "1990-03-15"));

        result.Single("sent", "greeting-wecom").Time.Should().Be(Birthday2026);
    }

    [Fact]
    public void Simulate_SignUpOnBirthdayAfter10_WaitsForNextYear()
    {
        var result = Sim.Run(Journey, Lin, Birthday2026.AddDays(30), SignUp(Clock.Shanghai(2026, 3, 15, 11, 0), "1990-03-15"));

        result.Sends().Should().BeEmpty();
        result.Single("waiting", "wait-birthday").Detail.Should().Contain("(2027-03-15 10:00 Asia/Shanghai)");
    }

    [Fact]
    public void Simulate_LeapDayBirthday_CelebratedOnFeb28InOtherYears()
    {
        var result = Sim.Run(Journey, Lin, Clock.Shanghai(2027, 3, 1, 0, 0), SignUp(T0, "2000-02-29"));

        result.Single("sent", "greeting-wecom").Time.Should().Be(Clock.Shanghai(2027, 2, 28, 10, 0));
    }

    [Fact]
    public void Simulate_NoBirthdayAtSignUpThenAddedLater_EntersOnProfileUpdate()
    {
        var later = T0.AddDays(3);

        var result = Sim.Run(Journey, Lin, T0.AddDays(30), SignUp(T0, null), Events.ProfileUpdated("p1", later, new JsonObject { ["birthday"] = "03-15" }));

        result.Single("not_entered", null).Detail.Should().StartWith("entry condition is false");
        result.Single("entered", null).Time.Should().Be(later);
        result.Single("sent", "greeting-wecom").Time.Should().Be(Birthday2026);
    }

    [Fact]
    public void Simulate_ProfileUpdatedWhileRunning_NotEnteredAgain()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(30), SignUp(T0, "03-15"), Events.ProfileUpdated("p1", T0.AddDays(1), new JsonObject { ["name"] = "林小晓" }));

        result.Single("not_entered", null).Detail.Should().StartWith("already in this journey");
        result.Of("entered").Should().ContainSingle();
        result.Send("greeting-wecom").Body.Should().StartWith("【广告】林小晓，生日快乐！", "the greeting uses the profile as it is on the day");
    }

    [Fact]
    public void Simulate_UnsubscribedBeforeBirthday_ExitsWithoutPointsAndNeverReenters()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(30), SignUp(T0, "03-15"), Events.Unsubscribed("u1", T0.AddDays(5)),
            Events.ProfileUpdated("p1", T0.AddDays(6), new JsonObject { ["birthday"] = "03-16" }));

        result.Single("exited", "wait-birthday").Time.Should().Be(T0.AddDays(5));
        result.EffectsOf<AwardPoints>().Should().BeEmpty();
        result.Sends().Should().BeEmpty();
        result.Single("not_entered", null).Detail.Should().StartWith("re-entry policy 'once'");
    }

    [Fact]
    public void Simulate_OrderBeforeBirthday_DoesNotEndTheJourney()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(30), SignUp(T0, "03-15"), Events.Order("o1", T0.AddDays(2)));

        result.Of("goal_reached").Should().BeEmpty();
        result.Of("exited").Should().BeEmpty();
        result.Send("greeting-wecom");
    }

    [Fact]
    public void Simulate_NewYorkEnglishCustomer_EmailAt10NewYorkTime()
    {
        var emily = People.EmilyChen("c1");
        var signUp = Clock.NewYork(2026, 6, 2, 18, 30);

        var result = Sim.Run(Journey, emily, signUp.AddDays(60), Events.Registered("r1", signUp, data: new JsonObject { ["birthday"] = "07-18" }));

        var sent = result.Single("sent", "greeting-email");
        Clock.Local(sent.Time, People.NewYorkZone).Should().Be("2026-07-18 10:00");
        sent.Time.UtcDateTime.Should().Be(new DateTime(2026, 7, 18, 14, 0, 0, DateTimeKind.Utc));
        result.Single("branched", "greeting-channel").Detail.Should().Be("no condition true → greeting-email");

        var email = result.Send("greeting-email");
        email.Channel.Should().Be(Channels.Email);
        email.Address.Should().Be("emily.chen@example.com");
        email.Locale.Should().Be("en");
        email.Subject.Should().Be("[Ad] Happy birthday, Emily Chen — a gift from Xiaoman Life");
        email.Body.Should().StartWith("Happy birthday, Emily Chen!").And.EndWith("Reply TD to unsubscribe");
    }

    [Fact]
    public void Simulate_NewYorkWinterBirthday_10LocalIs15Utc()
    {
        var emily = People.EmilyChen("c1");

        var result = Sim.Run(Journey, emily, Clock.NewYork(2026, 12, 31, 0, 0), Events.Registered("r1", Clock.NewYork(2026, 6, 2, 18, 30), data: new JsonObject { ["birthday"] = "12-05" }));

        result.Single("sent", "greeting-email").Time.UtcDateTime.Should().Be(new DateTime(2026, 12, 5, 15, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void Simulate_UnsubscribedFromEmailOnly_PointsStillAwardedGreetingSuppressed()
    {
        var emily = People.EmilyChen("c1");
        var signUp = Clock.NewYork(2026, 6, 2, 18, 30);

        var result = Sim.Run(Journey, emily, signUp.AddDays(60),
            Events.Registered("r1", signUp, data: new JsonObject { ["birthday"] = "07-18" }),
            Events.Unsubscribed("u1", signUp.AddDays(1), channel: Channels.Email));

        result.Of("exited").Should().BeEmpty();
        result.EffectsOf<AwardPoints>().Should().ContainSingle();
        result.Single("suppressed", "greeting-email").Detail.Should().Contain("no marketing consent for email");
        result.Sends().Should().BeEmpty();
    }
}
