using System.Globalization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Loyalty;

namespace PrivateFlows.Workflows.Engine;

/// <summary>The decider's side of the loyalty program: post rule entries as effects, expire, review and upgrade tiers, keep the loyalty timer.</summary>
internal static class LoyaltyDecision
{
    /// <summary>Expiries and tier reviews due by now. Runs at the start and end of every decision.</summary>
    public static void Housekeeping(DecisionBuilder b)
    {
        var program = b.Context.Program.Loyalty;
        foreach (var entry in b.Profile.Loyalty.DueExpiries(b.State.CustomerId, b.Now))
        {
            Post(b, entry);
        }

        Tiers(b, MemberTiers.Review(b.Profile, program, b.Now));
    }

    /// <summary>The program's rules for an event (the event is already projected on the profile), then an upgrade check.</summary>
    public static void OnEvent(DecisionBuilder b, CustomerEvent e)
    {
        var update = PointsEarning.Apply(b.Profile, e, b.Context.Program.Loyalty, b.Now);
        b.UpdateProfile(_ => update.Profile);
        foreach (var entry in update.Entries) b.Effects.Add(new RecordPoints(entry.EntryId, b.State.CustomerId, entry));
        Upgrade(b);
    }

    /// <summary>Posts points a journey step gave (its own effect writes the ledger entry), then checks for an upgrade.</summary>
    public static void Credit(DecisionBuilder b, PointsLedgerEntry entry)
    {
        b.UpdateProfile(p => PointsLedger.Post(p, entry, out _));
        Upgrade(b);
    }

    public static void Upgrade(DecisionBuilder b) => Tiers(b, MemberTiers.Upgrade(b.Profile, b.Context.Program.Loyalty, b.Now));

    /// <summary>Forgets what is too old to matter and (re)schedules the loyalty timer for the next expiry or review.</summary>
    public static void Finish(DecisionBuilder b)
    {
        Housekeeping(b);
        var program = b.Context.Program.Loyalty;
        var account = b.Profile.Loyalty.Prune(b.Now, program, b.Profile.TimeZone);
        var review = program.Rank(b.Profile.Tier) > 0 ? account.NextTierReview : null;
        var due = Earliest(account.NextExpiry, review) is { } next ? TimerDue.RoundUp(next) : (DateTimeOffset?)null; // timers have millisecond resolution
        if (due is { } at && at > b.Now && at != account.TimerAt)
        {
            var timerId = LoyaltyTimer.TimerId(b.State.CustomerId, at);
            b.Effects.Add(new ScheduleTimer(timerId, b.State.CustomerId, timerId, LoyaltyTimer.InstanceId, at));
            account = account with { TimerAt = at };
        }

        if (!ReferenceEquals(account, b.Profile.Loyalty)) b.UpdateProfile(p => p with { Loyalty = account });
    }

    private static void Post(DecisionBuilder b, PointsLedgerEntry entry)
    {
        var profile = PointsLedger.Post(b.Profile, entry, out var posted);
        if (!posted) return;
        b.UpdateProfile(_ => profile);
        b.Effects.Add(new RecordPoints(entry.EntryId, b.State.CustomerId, entry));
    }

    private static void Tiers(DecisionBuilder b, LoyaltyUpdate update)
    {
        b.UpdateProfile(_ => update.Profile);
        foreach (var change in update.TierChanges)
        {
            var id = $"{b.State.CustomerId}/tier/{change.At.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}/{change.To}";
            b.Effects.Add(new TierChanged(id, b.State.CustomerId, change.From, change.To, change.IsUpgrade, change.At, change.Reason));
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
