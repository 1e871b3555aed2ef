using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Erasure and status (ICustomerErasure, IEngineStatus).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task Erasing_a_customer_removes_everything_about_them_and_nothing_else()
    {
        foreach (var customer in new[] { "gone", "stays" })
        {
            await Store.AcceptEventsAsync([Events.Registered(customer, At, $"r-{customer}")], At);
            List<Effect> effects =
            [
                new RecordHistory($"{customer}/h0", customer, new HistoryEntry($"{customer}/h0", $"i-{customer}", "j", At, HistoryKind.Entered, null, "x")),
                new AwardPoints($"{customer}/p", customer, $"i-{customer}", 1, "r"),
                new IssueCoupon($"{customer}/c", customer, $"i-{customer}", "WELCOME", $"W-{customer}", 5m, null),
                new ScheduleTimer($"{customer}/t", customer, $"{customer}/t", $"i-{customer}", At.AddDays(1)),
            ];
            var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New(customer) with { PendingEffects = [.. effects] }, 0, $"r-{customer}"));
            var message = new MessageRecord($"{customer}/m", customer, $"i-{customer}", "j", "s", "sms", null, null, null, null, "hi", null, "sandbox", DeliveryStatus.Sandboxed, 0, null, At);
            await Store.CompleteEffectsAsync(doc, effects, [message], At);
            await Store.ParkPoisonAsync(new PoisonInput($"{customer}-bad", customer, "event", "{}", "boom", 1, At), null, null);
        }

        (await Store.EraseCustomerAsync("gone")).Should().BeTrue();
        (await Store.EraseCustomerAsync("gone")).Should().BeFalse();
        (await Store.EraseCustomerAsync("never-there")).Should().BeFalse();

        (await Store.ReadCustomerAsync("gone")).Should().BeNull();
        (await Store.ReadEventsAsync("gone", 0, 10)).Should().BeEmpty();
        (await Store.ReadCustomerHistoryAsync("gone", 0, 10)).Entries.Should().BeEmpty();
        (await Store.ReadInstanceHistoryAsync("i-gone", 0, 10)).Entries.Should().BeEmpty();
        (await Store.ReadPointsAsync("gone")).Should().BeEmpty();
        (await Store.ReadCouponsAsync("gone")).Should().BeEmpty();
        (await Store.ReadMessagesAsync("gone", 10)).Should().BeEmpty();
        (await Store.ReadTimersAsync("gone")).Should().BeEmpty();
        (await Store.ReadEarliestTimersAsync(10)).Select(t => t.CustomerId).Should().Equal("stays");
        (await Store.ReadPoisonAsync(10)).Select(p => p.CustomerId).Should().Equal("stays");
        (await Store.ReadCustomerAsync("stays")).Should().NotBeNull();
        (await Store.ReadPointsAsync("stays")).Should().HaveCount(1);
        (await Store.ReadMessagesAsync("stays", 10)).Should().HaveCount(1);
        (await Store.ReadTimersAsync("stays")).Should().HaveCount(1);
        (await Store.ReadStatusAsync()).Customers.Should().Be(1);
    }

    [Fact]
    public async Task Status_counts_what_ops_watch()
    {
        await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Registered("c2", At, "e2"), Events.Registered("c3", At, "e3")], At);
        await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "e1"));
        var withOutbox = CustomerDocument.New("c2") with { PendingEffects = [new ScheduleTimer("t", "c2", "t", "i", At.AddHours(2))] };
        await Store.CommitStepAsync(new StepCommit(withOutbox, 0, "e2"));

        var status = await Store.ReadStatusAsync();
        (status.Customers, status.PendingEvents, status.CustomersWithPendingEffects, status.Timers, status.NextTimerDue, status.Poison)
            .Should().Be((2, 1, 1, 0, null, 0));
        status.DatabaseBytes.Should().BeGreaterThanOrEqualTo(0);
    }
}
