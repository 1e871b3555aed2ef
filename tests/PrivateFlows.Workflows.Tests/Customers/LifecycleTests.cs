using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Segments;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>Lifecycle stages on their day thresholds (30 / 90 / 180 days without an order), and the comeback ("recalled").</summary>
public class LifecycleTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 1, 5, 10, 48);

    [Theory]
    [InlineData(0, LifecycleStages.Active)]
    [InlineData(29, LifecycleStages.Active)]
    [InlineData(30, LifecycleStages.AtRisk)]
    [InlineData(89, LifecycleStages.AtRisk)]
    [InlineData(90, LifecycleStages.Dormant)]
    [InlineData(179, LifecycleStages.Dormant)]
    [InlineData(180, LifecycleStages.Churned)]
    [InlineData(2_000, LifecycleStages.Churned)]
    public void Stage_DaysSinceTheLastOrder_OnTheThresholds(int days, string stage)
    {
        var profile = new Decide().Events([Events.Order("o1", T0.AddDays(-20)), Events.Order("o2", T0)]).Profile;

        Lifecycle.Stage(profile, T0.AddDays(days)).Should().Be(stage);
    }

    [Fact]
    public void Stage_OneTickBeforeThirtyDays_StillActive()
    {
        var profile = new Decide().Events([Events.Order("o1", T0.AddDays(-20)), Events.Order("o2", T0)]).Profile;

        Lifecycle.Stage(profile, T0.AddDays(30).AddTicks(-1)).Should().Be(LifecycleStages.Active);
        Lifecycle.Stage(profile, T0.AddDays(30)).Should().Be(LifecycleStages.AtRisk);
    }

    [Fact]
    public void Stage_FirstOrder_NewFor30Days()
    {
        var profile = new Decide().Events([Events.Registered("r1", T0.AddDays(-3)), Events.Order("o1", T0)]).Profile;

        Lifecycle.Stage(profile, T0.AddDays(29)).Should().Be(LifecycleStages.New);
        Lifecycle.Stage(profile, T0.AddDays(30)).Should().Be(LifecycleStages.AtRisk);
    }

    [Fact]
    public void Stage_NeverOrdered_NewWhileAround_ThenBySilenceSinceLastActive()
    {
        var profile = new Decide().Events([Events.Registered("r1", T0), Loyal.AppOpened("a1", T0.AddDays(20))]).Profile;

        Lifecycle.Stage(profile, T0.AddDays(45)).Should().Be(LifecycleStages.New);
        Lifecycle.Stage(profile, T0.AddDays(50)).Should().Be(LifecycleStages.AtRisk);
        Lifecycle.Stage(profile, T0.AddDays(200)).Should().Be(LifecycleStages.Churned);
        Lifecycle.Stage(People.LinXiao("c1"), T0).Should().Be(LifecycleStages.New, "nothing known yet");
    }

    [Fact]
    public void Recalled_OrderAfterDormancy_RememberedOnTheProfile_ForThirtyDays()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", T0));

        run.Event(Events.Order("o2", T0.AddDays(120)));

        run.Profile.LastRecall.Should().Be(new Recall(T0.AddDays(120), LifecycleStages.Dormant, 120));
        Lifecycle.Stage(run.Profile, T0.AddDays(120)).Should().Be(LifecycleStages.Recalled);
        Lifecycle.Stage(run.Profile, T0.AddDays(149)).Should().Be(LifecycleStages.Recalled);
        Lifecycle.Stage(run.Profile, T0.AddDays(150)).Should().Be(LifecycleStages.AtRisk, "30 days without an order again");
    }

    [Fact]
    public void Recalled_KeepsFollowingOrders_ThenActive()
    {
        var run = new Decide();
        run.Events([Events.Order("o1", T0), Events.Order("o2", T0.AddDays(200)), Events.Order("o3", T0.AddDays(220))]);

        run.Profile.LastRecall!.FromStage.Should().Be(LifecycleStages.Churned);
        Lifecycle.Stage(run.Profile, T0.AddDays(225)).Should().Be(LifecycleStages.Recalled);
        Lifecycle.Stage(run.Profile, T0.AddDays(230)).Should().Be(LifecycleStages.Active);
        RfmTests.Eval("customer.recalled_from", run.Profile, T0.AddDays(230)).Should().Be("churned");
    }

    [Fact]
    public void Recalled_NotForAnOrderAfterOnlyAtRisk()
    {
        var run = new Decide();
        run.Events([Events.Order("o1", T0), Events.Order("o2", T0.AddDays(89))]);

        run.Profile.LastRecall.Should().BeNull();
        Lifecycle.Stage(run.Profile, T0.AddDays(89)).Should().Be(LifecycleStages.Active);
    }

    [Fact]
    public void Thresholds_Configurable()
    {
        var slow = new LifecycleThresholds { AtRiskDays = 60, DormantDays = 120, ChurnedDays = 365 };
        var profile = new Decide().Events([Events.Order("o1", T0.AddDays(-10)), Events.Order("o2", T0)]).Profile;

        Lifecycle.Stage(profile, T0.AddDays(59), slow).Should().Be(LifecycleStages.Active);
        Lifecycle.Stage(profile, T0.AddDays(300), slow).Should().Be(LifecycleStages.Dormant);
        new LifecycleThresholds { DormantDays = 20 }.Problems().Should().ContainSingle();
    }

    [Fact]
    public void ScriptModel_LifecycleAsOfTheDecisionTime()
    {
        var profile = new Decide().Events([Events.Order("o1", T0.AddDays(-10)), Events.Order("o2", T0)]).Profile;

        RfmTests.Eval("customer.lifecycle", profile, T0.AddDays(1)).Should().Be("active");
        RfmTests.Eval("customer.lifecycle", profile, T0.AddDays(95)).Should().Be("dormant");
    }
}
