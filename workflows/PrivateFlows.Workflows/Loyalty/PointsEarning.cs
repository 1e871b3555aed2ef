using System.Collections.Immutable;
using System.Globalization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// The earn, claw-back and redeem rules of the loyalty program: given the profile (with the event already
/// projected onto it) and the event, the ledger entries the event causes, posted to the profile. Entry ids are
/// deterministic and posted once, so replaying events earns nothing twice; each rule depends only on the event
/// and on facts that do not depend on arrival order, so any order of the same events gives the same balance.
/// Pure: <paramref name="now"/> only decides whether an event is too late to earn.
/// </summary>
public static class PointsEarning
{
    public static LoyaltyUpdate Apply(CustomerProfile profile, CustomerEvent e, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(program);
        var run = new Run(profile, e, program);
        var late = e.Time < now - program.LateEventLimit;
        var lateInteraction = e.Time < now - program.LateInteractionLimit;
        switch (e.Type)
        {
            case EventTypes.OrderCompleted when !late:
                run.Order();
                break;
            case EventTypes.OrderRefunded when !late:
                run.Refund();
                break;
            case EventTypes.CheckedIn when !lateInteraction:
                run.CheckIn();
                break;
            case EventTypes.PointsRedeemed when !late:
                run.Redeem();
                break;
            case EventTypes.PointsAwarded when !late:
                run.Award();
                break;
        }

        if (!lateInteraction && program.Interactions.TryGetValue(e.Type, out var reward)) run.Interaction(reward);
        return new LoyaltyUpdate(run.Profile, run.Entries.ToImmutable(), []);
    }

    /// <summary>Is <paramref name="at"/> in the customer's birthday month (local time)?</summary>
    public static bool InBirthdayMonth(CustomerProfile profile, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Birthdays.TryParse(profile.Birthday, out var month, out _) && CustomerClock.Day(at, profile.TimeZone).Month == month;
    }

    private sealed class Run(CustomerProfile profile, CustomerEvent e, LoyaltyProgram program)
    {
        public CustomerProfile Profile { get; private set; } = profile;
        public ImmutableArray<PointsLedgerEntry>.Builder Entries { get; } = ImmutableArray.CreateBuilder<PointsLedgerEntry>();
        private string Zone => Profile.TimeZone;
        private LoyaltyAccount Account => Profile.Loyalty;

        public void Order()
        {
            var amount = Math.Clamp(e.DataDecimal("amount") ?? 0m, 0m, PointsLimits.MaxAmount);
            var orderId = e.DataString("orderId") ?? e.Id;
            var order = Account.Orders.GetValueOrDefault(orderId) ?? new OrderPoints(orderId);
            if (order.EventId is not null) return; // this order was seen already (replayed or re-sent under another event id)

            var basePoints = PointsLimits.FromDecimal(amount * Math.Clamp(program.PointsPerCurrencyUnit, 0m, 1_000m));
            var extra = program.BirthdayMultiplier > 1m && InBirthdayMonth(Profile, e.Time) ? PointsLimits.FromDecimal(basePoints * Math.Clamp(program.BirthdayMultiplier - 1m, 0m, 1_000m)) : 0L;
            var amountText = Money(amount);
            Earn($"{e.Id}/{PointsRules.Order}", e.Time, basePoints, PointsRules.Order, $"order {orderId}: {amountText} × {program.PointsPerCurrencyUnit.ToString("0.##", CultureInfo.InvariantCulture)}");
            Earn($"{e.Id}/{PointsRules.BirthdayMonth}", e.Time, extra, PointsRules.BirthdayMonth, $"order {orderId}: birthday month ×{program.BirthdayMultiplier.ToString("0.##", CultureInfo.InvariantCulture)}");
            SetAccount(Account.AddSpend(e.Time, amount, Zone));
            order = order with { EventId = e.Id, At = e.Time, Amount = amount, Points = PointsLimits.Add(basePoints, extra) };
            ClawBack(order);
        }

        public void Refund()
        {
            // A refund that names no order still lowers the net spend; it has no order points to claw back.
            var orderId = e.DataString("orderId") ?? $"unlinked:{e.Id}";
            var amount = e.DataDecimal("amount") is { } a ? Math.Clamp(a, 0m, PointsLimits.MaxAmount) : (decimal?)null;
            var order = Account.Orders.GetValueOrDefault(orderId) ?? new OrderPoints(orderId) { At = e.Time };
            if (order.Refunds.ContainsKey(e.Id)) return;
            SetAccount(Account.AddSpend(e.Time, -(amount ?? (order.EventId is null ? 0m : order.Amount)), Zone));
            ClawBack(order with { Refunds = order.Refunds.Add(e.Id, new OrderRefund(e.Time, amount)) });
        }

        public void CheckIn()
        {
            var activity = Profile.Activity;
            var day = CustomerClock.Day(e.Time, Zone);
            var ladder = program.CheckInRewards.OrderBy(s => s.Day).ToList();
            if (ladder.Count == 0) return;
            var top = ladder[^1].Day;
            // A check-in can lengthen the streaks of the days after it (a late one fills a gap): top those up too.
            for (var offset = 0; offset < top; offset++)
            {
                var key = CustomerClock.DayKey(day.PlusDays(offset));
                if (!activity.CheckIns.TryGetValue(key, out var at)) break;
                var streak = activity.StreakOn(key, top);
                long below = 0;
                foreach (var step in ladder)
                {
                    if (step.Day > streak) break;
                    var rule = PointsRules.CheckInStep(step.Day);
                    var reason = step.Day <= 1 ? $"check-in {key}" : $"check-in {key}: day {step.Day} of a streak";
                    Earn($"{Profile.CustomerId}/check-in/{key}/day{step.Day.ToString(CultureInfo.InvariantCulture)}", at, step.Points - below, rule, reason);
                    below = step.Points;
                }
            }
        }

        public void Interaction(InteractionReward reward)
        {
            var id = $"{e.Id}/{e.Type}";
            var counter = $"{CustomerClock.DayKey(e.Time, Zone)}/{e.Type}";
            var count = Account.DailyCounts.GetValueOrDefault(counter);
            if (reward.Points <= 0 || count >= reward.DailyLimit || Account.HasApplied(id)) return;
            Earn(id, e.Time, reward.Points, e.Type, $"{e.Type} ({count + 1} of {reward.DailyLimit} a day)");
            SetAccount(Account with { DailyCounts = Account.DailyCounts.SetItem(counter, count + 1) });
        }

        public void Redeem()
        {
            var points = Math.Abs(PointsLimits.FromDecimal(e.DataDecimal("points") ?? 0m));
            if (points == 0) return;
            Post(new PointsLedgerEntry($"{e.Id}/{PointsRules.Redeem}", Profile.CustomerId, e.Time, -points, PointsRules.Redeem, e.DataString("reason") ?? "points redeemed") { SourceEventId = e.Id });
        }

        public void Award()
        {
            var points = PointsLimits.FromDecimal(e.DataDecimal("points") ?? 0m);
            if (points == 0) return;
            var rule = e.DataString("rule") ?? PointsRules.Award;
            var id = e.DataString("entryId") ?? $"{e.Id}/{PointsRules.Award}";
            var reason = e.DataString("reason") ?? "points awarded";
            if (points > 0) Earn(id, e.Time, points, rule, reason);
            else Post(new PointsLedgerEntry(id, Profile.CustomerId, e.Time, points, rule, reason) { SourceEventId = e.Id });
        }

        /// <summary>
        /// Refunds claw back the order's points in proportion to the refunded amount, cumulatively (two half refunds
        /// take all of it back); a refund seen before its order waits for the order.
        /// </summary>
        private void ClawBack(OrderPoints order)
        {
            if (order.EventId is not null && order.Amount > 0m && order.Points > 0)
            {
                // Refunds clawed back already count first, whatever their time; then the new ones in time order.
                // The total taken back is the same for any arrival order: ⌊points × min(1, refunded / amount)⌋.
                var refunded = PointsLimits.ClampAmount(order.Refunds.Where(r => Account.HasApplied($"{r.Key}/{PointsRules.Refund}")).Aggregate(0m, (sum, r) => PointsLimits.ClampAmount(sum + (r.Value.Amount ?? order.Amount))));
                foreach (var (refundId, refund) in order.Refunds.OrderBy(r => r.Value.At).ThenBy(r => r.Key, StringComparer.Ordinal))
                {
                    var id = $"{refundId}/{PointsRules.Refund}";
                    if (Account.HasApplied(id)) continue;
                    refunded = PointsLimits.ClampAmount(refunded + (refund.Amount ?? order.Amount));
                    var target = PointsLimits.FromDecimal(order.Points * Math.Min(1m, refunded / order.Amount));
                    var points = Math.Max(0L, target - order.ClawedBack);
                    order = order with { ClawedBack = order.ClawedBack + points };
                    if (points > 0)
                    {
                        Post(new PointsLedgerEntry(id, Profile.CustomerId, refund.At, -points, PointsRules.Refund,
                            $"refund of order {order.OrderId}: {(refund.Amount is { } a ? Money(a) : "all")} of {Money(order.Amount)}") { SourceEventId = refundId });
                    }
                }
            }

            SetAccount(Account with { Orders = Account.Orders.SetItem(order.OrderId, order) });
        }

        private void Earn(string id, DateTimeOffset at, long points, string rule, string reason)
        {
            if (points <= 0) return;
            Post(new PointsLedgerEntry(id, Profile.CustomerId, at, points, rule, reason)
            {
                SourceEventId = e.Id,
                ExpiresAt = program.Expiry.ExpiresAt(at, Zone),
            });
        }

        private void Post(PointsLedgerEntry entry)
        {
            Profile = PointsLedger.Post(Profile, entry, out var posted);
            if (posted) Entries.Add(entry);
        }

        private void SetAccount(LoyaltyAccount account) => Profile = Profile with { Loyalty = account };

        private static string Money(decimal amount) => $"¥{amount.ToString("0.##", CultureInfo.InvariantCulture)}";
    }
}
