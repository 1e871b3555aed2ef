namespace PrivateFlows.Workflows.Segments;

/// <summary>Where a customer is in their life with the shop, as journeys and ops name it (<c>customer.lifecycle</c>).</summary>
public static class LifecycleStages
{
    /// <summary>Registered and not ordered yet, or one order that is still recent.</summary>
    public const string New = "new";
    /// <summary>Orders regularly: the last order is recent.</summary>
    public const string Active = "active";
    /// <summary>Silent for a while: the first churn warning.</summary>
    public const string AtRisk = "at-risk";
    public const string Dormant = "dormant";
    public const string Churned = "churned";
    /// <summary>Ordered again after being dormant or churned (the stage they came back from is kept on the profile).</summary>
    public const string Recalled = "recalled";

    public static readonly IReadOnlyList<string> All = [New, Active, AtRisk, Dormant, Churned, Recalled];
}
