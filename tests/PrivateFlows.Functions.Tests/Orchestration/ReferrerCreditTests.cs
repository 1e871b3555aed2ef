using System.Text.Json.Nodes;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Functions.Tests.Orchestration;

/// <summary>A paid referral reward credits the referrer through the referrer's own orchestration (started by the credit).</summary>
public sealed class ReferrerCreditTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_paid_referral_reward_starts_the_referrers_orchestration_and_credits_the_points_once()
    {
        // One journey day passes in a quarter of a real second: the 7-day refund window takes under two seconds.
        await using var durable = await DurableJourneys.StartAsync(JourneyClock.Scaled(Start, DateTime.UtcNow, 86_400 / 0.25));
        await durable.SendAsync(Events.Registered("f1", Start, "f1-reg"));
        await durable.SendAsync(new CustomerEvent("f1-ref", EventTypes.ReferralAccepted, "f1", Start + TimeSpan.FromMinutes(1), new JsonObject { ["referrerId"] = "r1" }, "test"));
        await durable.SendAsync(Events.Order("f1", Start + TimeSpan.FromMinutes(2), "f1-order", 99m));

        await durable.SettledAsync("r1", 1, TimeSpan.FromSeconds(60));
        // The referee's step is written after the credit went out: wait for the read model to see it.
        await durable.ReadModel.WhenAsync(() => Rewards(durable).Any(), TimeSpan.FromSeconds(30));

        var reward = Rewards(durable).Should().ContainSingle().Subject;
        reward.Held.Should().BeFalse();
        var referrer = durable.ReadModel.Document("r1")!.State.Profile;
        referrer.Points.Should().Be(reward.ReferrerPoints);
        durable.ReadModel.Steps("r1").SelectMany(s => s.Effects).OfType<RecordPoints>().Should().ContainSingle(p => p.EffectId == $"{reward.EffectId}/referrer");
    }

    private static IEnumerable<RewardReferral> Rewards(DurableJourneys durable) => durable.ReadModel.Steps("f1").SelectMany(s => s.Effects).OfType<RewardReferral>();
}
