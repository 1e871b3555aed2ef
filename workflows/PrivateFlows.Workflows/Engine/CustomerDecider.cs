using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// The pure decider for one customer: applies an event to the profile, starts journeys whose entry matches,
/// moves running instances, and enforces contact pressure across them. Same inputs, same outputs.
/// </summary>
public static class CustomerDecider
{
    public static Decision Decide(CustomerState state, DecisionInput input, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        throw new NotImplementedException("in progress");
    }
}
