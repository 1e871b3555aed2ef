namespace PrivateFlows.Workflows.Referrals;

/// <summary>One referral a referrer brought in: the referee and when they accepted.</summary>
public sealed record AcceptedReferral(string RefereeId, DateTimeOffset AcceptedAt);
