using System.Collections.Immutable;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Hands the decider what the referral anti-fraud check knows about a referrer, who lives on another customer's
/// document: their devices, phones and payment fingerprints, and their recent referrals. Read-only: the referrer's
/// document is never written by the referee's step.
/// </summary>
public sealed class ReferrerFactsReader(ICustomerDocuments customers, ICustomerLedgers ledgers)
{
    /// <summary>How far back a referrer's referrals are read (the velocity rule needs the last two days).</summary>
    public static readonly TimeSpan RecentReferrals = TimeSpan.FromDays(7);

    public async Task<DecisionContext> AddAsync(DecisionContext context, CustomerState state, DecisionInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        var referrerId = input is EventReceived { Event.Type: EventTypes.ReferralAccepted } e ? e.Event.DataString("referrerId") : null;
        referrerId ??= state.Profile.ReferredBy?.ReferrerId;
        if (string.IsNullOrWhiteSpace(referrerId) || referrerId == state.CustomerId) return context;

        var referrer = await customers.ReadCustomerAsync(referrerId, cancellationToken).ConfigureAwait(false);
        if (referrer is null) return context; // unknown referrer: the decider's rules decide whether that holds the reward
        var referrals = await ledgers.ReadReferralsAsync(referrerId, context.Now - RecentReferrals, cancellationToken).ConfigureAwait(false);
        var facts = ReferrerFacts.From(referrer.State.Profile, referrals.Where(r => r.RefereeId != state.CustomerId));
        return context with { Referrers = context.Referrers.SetItem(referrerId, facts) };
    }
}
