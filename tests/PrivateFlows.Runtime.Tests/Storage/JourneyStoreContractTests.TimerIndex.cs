using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>The timer index (ITimerIndex).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task Timers_come_back_soonest_first_however_far_apart_and_overdue_ones_first()
    {
        // Overdue, due now, minutes, hours, days and months ahead; two share a due time; two customers.
        var dues = new (string Id, string Customer, DateTimeOffset Due)[]
        {
            ("t-month", "c1", At.AddDays(40)),
            ("t-hour", "c2", At.AddHours(1)),
            ("t-overdue", "c1", At.AddDays(-3)),
            ("t-now", "c2", At),
            ("t-tie-b", "c1", At.AddMinutes(7)),
            ("t-tie-a", "c2", At.AddMinutes(7)),
            ("t-days", "c2", At.AddDays(3)),
            ("t-year", "c1", At.AddDays(400)),
        };
        foreach (var customer in new[] { "c1", "c2" })
        {
            List<Effect> effects = [.. dues.Where(d => d.Customer == customer).Select(d => (Effect)new ScheduleTimer(d.Id, customer, d.Id, $"i-{customer}", d.Due))];
            var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New(customer) with { PendingEffects = [.. effects] }, 0));
            await Store.CompleteEffectsAsync(doc, effects, [], At);
        }

        var expected = new[] { "t-overdue", "t-now", "t-tie-a", "t-tie-b", "t-hour", "t-days", "t-month", "t-year" };
        (await Store.ReadEarliestTimersAsync(100)).Select(t => t.TimerId).Should().Equal(expected);
        (await Store.ReadEarliestTimersAsync(3)).Select(t => t.TimerId).Should().Equal(expected[..3]);
        (await Store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t-overdue", "t-tie-b", "t-month", "t-year");
        var status = await Store.ReadStatusAsync();
        (status.Timers, status.NextTimerDue).Should().Be((8, At.AddDays(-3)));

        // Weeks later, with the early ones consumed or cancelled, the rest is still found in order.
        Clock.Advance(TimeSpan.FromDays(50));
        var c1 = (await Store.ReadCustomerAsync("c1"))!;
        c1 = await Store.CommitStepAsync(new StepCommit(c1 with { PendingEffects = [new CancelTimer("cancel-month", "c1", "t-month", "i-c1")] }, c1.Version, FiredTimerId: "t-overdue"));
        await Store.CompleteEffectsAsync(c1, c1.PendingEffects, [], Clock.GetUtcNow());
        var c2 = (await Store.ReadCustomerAsync("c2"))!;
        c2 = await Store.CommitStepAsync(new StepCommit(c2, c2.Version, FiredTimerId: "t-now"));
        await Store.CommitStepAsync(new StepCommit(c2, c2.Version, FiredTimerId: "t-hour"));
        await Store.MarkConsumedAsync("c2", null, "t-hour"); // a duplicate firing: nothing left to remove

        (await Store.ReadEarliestTimersAsync(100)).Select(t => t.TimerId).Should().Equal("t-tie-a", "t-tie-b", "t-days", "t-year");
        (await Store.ReadEarliestTimersAsync(100)).Select(t => t.TimerId).Should().Equal("t-tie-a", "t-tie-b", "t-days", "t-year");
        (await Store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t-tie-b", "t-year");
    }

    [Fact]
    public async Task MarkConsumedAsync_AlreadyProcessedTimer_LeavesTheIndexAndOnlyThatCustomersTimer()
    {
        foreach (var customer in new[] { "c1", "c2" })
        {
            List<Effect> effects = [new ScheduleTimer($"s-{customer}", customer, "t-same", $"i-{customer}", At.AddHours(1))];
            var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New(customer) with { PendingEffects = [.. effects] }, 0));
            await Store.CompleteEffectsAsync(doc, effects, [], At);
        }

        await Store.MarkConsumedAsync("c1", null, "t-same");

        (await Store.ReadTimersAsync("c1")).Should().BeEmpty();
        (await Store.ReadTimersAsync("c2")).Select(t => t.TimerId).Should().Equal("t-same");
    }

    [Fact]
    public async Task A_timer_scheduled_into_the_past_still_fires_first()
    {
        Clock.Advance(TimeSpan.FromDays(2));
        await Store.ReadEarliestTimersAsync(10); // the poller has been running
        List<Effect> effects = [new ScheduleTimer("late", "c1", "late", "i1", At), new ScheduleTimer("soon", "c1", "soon", "i1", Clock.GetUtcNow().AddMinutes(1))];
        var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        await Store.CompleteEffectsAsync(doc, effects, [], Clock.GetUtcNow());

        (await Store.ReadEarliestTimersAsync(10)).Select(t => t.TimerId).Should().Equal("late", "soon");
    }
}
