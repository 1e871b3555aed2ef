using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Processing;

public sealed class ReferralTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_runtime_hands_the_referrers_facts_to_the_decider_so_a_shared_phone_holds_the_reward()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("referrals.db"));
        await engine.DeliverAsync(Events.Registered("referrer", engine.Now, phone: "+8613900000001"));
        await engine.DeliverAsync(
            Events.Registered("honest", engine.Now, id: "reg-honest", phone: "+8613900000002"),
            Events.Registered("sneaky", engine.Now, id: "reg-sneaky", phone: "+8613900000001"));
        await engine.DeliverAsync(Events.ReferralAccepted("honest", "referrer", engine.Now), Events.ReferralAccepted("sneaky", "referrer", engine.Now));
        await engine.AdvanceToAsync(engine.Now.AddHours(2));
        await engine.DeliverAsync(Events.Order("honest", engine.Now, "o-honest", 89m), Events.Order("sneaky", engine.Now, "o-sneaky", 89m));

        await engine.AdvanceToAsync(engine.Now.AddDays(8));

        var referrerLedger = await engine.Store.ReadPointsAsync("referrer");
        referrerLedger.Where(e => e.Rule.StartsWith("referral", StringComparison.Ordinal)).Should().HaveCount(2);
        referrerLedger.Should().ContainSingle(e => e.Status == PointsStatus.Credited && e.Points == 500 && e.Reason.Contains("honest", StringComparison.Ordinal));
        referrerLedger.Should().ContainSingle(e => e.Status == PointsStatus.Held && e.Reason.Contains("sneaky", StringComparison.Ordinal) && e.Reason.Contains("phone", StringComparison.Ordinal));
        var held = (await engine.Store.ReadCustomerHistoryAsync("sneaky", 0, 500)).Entries.Single(h => h.Journey == "referral-reward" && h.Kind == HistoryKind.Action && h.Detail.Contains("held", StringComparison.Ordinal));
        held.Detail.Should().Contain("phone");
        (await engine.Store.ReadReferralsAsync("referrer", engine.Now.AddDays(-30))).Select(r => r.RefereeId).Should().BeEquivalentTo(["honest", "sneaky"]);
    }

    [Fact]
    public async Task A_referred_customers_step_that_rewards_no_referral_does_not_read_the_referrers_facts()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("referrals.db"));
        await engine.DeliverAsync(Events.Registered("referrer", engine.Now, phone: "+8613900000001"));
        await engine.DeliverAsync(Events.Registered("honest", engine.Now, id: "reg-honest", phone: "+8613900000002"));
        await engine.DeliverAsync(Events.ReferralAccepted("honest", "referrer", engine.Now));
        await engine.AdvanceToAsync(engine.Now.AddHours(2));
        var seen = new List<(string Input, int Referrers)>();
        engine.Processor.Decide = (state, input, context) =>
        {
            lock (seen) seen.Add((input is EventReceived e ? e.Event.Id : input.GetType().Name, context.Referrers.Count));
            return CustomerDecider.Decide(state, input, context);
        };

        await engine.DeliverAsync(Events.Other("honest", engine.Now, "open-1", "app.opened"));
        await engine.DeliverAsync(Events.Order("honest", engine.Now, "o-honest", 89m));
        await engine.AdvanceToAsync(engine.Now.AddDays(8));

        seen.Where(s => s.Input == "open-1").Should().Equal([("open-1", 0)], "nothing in that step rewards the referral");
        seen.Should().Contain(s => s.Referrers == 1, "the reward was decided with the referrer's facts");
        (await engine.Store.ReadPointsAsync("referrer")).Should().ContainSingle(e => e.Status == PointsStatus.Credited && e.Points == 500);
    }
}
