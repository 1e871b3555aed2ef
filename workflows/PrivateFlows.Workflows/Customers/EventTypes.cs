namespace PrivateFlows.Workflows.Customers;

/// <summary>The event types of the producer contract that the engine itself understands.</summary>
public static class EventTypes
{
    public const string Registered = "customer.registered";
    public const string ProfileUpdated = "customer.profile_updated";
    public const string Unsubscribed = "customer.unsubscribed";
    public const string ConsentChanged = "customer.consent_changed";
    public const string CheckedIn = "customer.checked_in";
    public const string OrderCompleted = "order.completed";
    public const string OrderRefunded = "order.refunded";
    public const string AppOpened = "app.opened";
    public const string ReferralAccepted = "referral.accepted";
    public const string CouponRedeemed = "coupon.redeemed";
    public const string MessageClicked = "message.clicked";
    public const string ProductViewed = "product.viewed";
    public const string CartUpdated = "cart.updated";
    public const string ReviewPosted = "review.posted";
    public const string ContentShared = "content.shared";
    /// <summary>The shop spent points for the customer (data: <c>points</c>, optional <c>reason</c>).</summary>
    public const string PointsRedeemed = "points.redeemed";
    /// <summary>Points given outside the program's rules: customer service, the referrer's side of a referral (data: <c>points</c>, <c>reason</c>, optional <c>entryId</c>, <c>rule</c>).</summary>
    public const string PointsAwarded = "points.awarded";
    /// <summary>Ops released a referral reward held for review (subject: the referee; data: optional <c>rewardId</c>).</summary>
    public const string ReferralRewardApproved = "referral.reward_approved";
    /// <summary>Ops refused a referral reward held for review (subject: the referee; data: optional <c>rewardId</c>, <c>reason</c>).</summary>
    public const string ReferralRewardRejected = "referral.reward_rejected";

    public static readonly IReadOnlyList<string> Known =
    [
        Registered, ProfileUpdated, Unsubscribed, ConsentChanged, CheckedIn, OrderCompleted, OrderRefunded, AppOpened, ReferralAccepted, CouponRedeemed,
        MessageClicked, ProductViewed, CartUpdated, ReviewPosted, ContentShared, PointsRedeemed, PointsAwarded, ReferralRewardApproved, ReferralRewardRejected,
    ];

    /// <summary>Events that show the customer is engaged: they move the last-active time and the activity counters.</summary>
    public static readonly IReadOnlyList<string> Interactions =
        [AppOpened, CheckedIn, CouponRedeemed, MessageClicked, ProductViewed, CartUpdated, ReviewPosted, ContentShared, PointsRedeemed];
}
