namespace PrivateFlows.Workflows.Referrals;

public enum ReferralRewardStatus
{
    /// <summary>Paid straight away: no anti-fraud rule fired.</summary>
    Paid,
    /// <summary>Waiting for ops to approve or reject.</summary>
    Held,
    /// <summary>Held, then released by ops and paid.</summary>
    Approved,
    /// <summary>Held, then refused by ops: nothing paid.</summary>
    Rejected,
}
