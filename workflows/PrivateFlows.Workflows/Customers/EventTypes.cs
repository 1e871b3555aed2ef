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

    public static readonly IReadOnlyList<string> Known =
        [Registered, ProfileUpdated, Unsubscribed, ConsentChanged, CheckedIn, OrderCompleted, OrderRefunded, AppOpened, ReferralAccepted, CouponRedeemed];
}
