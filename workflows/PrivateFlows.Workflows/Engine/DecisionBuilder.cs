using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Engine;

/// <summary>The state and effects accumulated while one input is decided; lives only inside <see cref="CustomerDecider.Decide"/>.</summary>
internal sealed class DecisionBuilder(CustomerState state, DecisionContext context, CustomerEvent? @event)
{
    public CustomerState State { get; set; } = state;
    public DecisionContext Context { get; } = context;
    public CustomerEvent? Event { get; } = @event;
    public List<Effect> Effects { get; } = [];
    public DateTimeOffset Now => Context.Now;
    public CustomerProfile Profile => State.Profile;

    public void UpdateProfile(Func<CustomerProfile, CustomerProfile> change)
    {
        // Most updates (housekeeping with nothing due) give the same profile back: keep the state, and the models memoized for that profile.
        var profile = change(State.Profile);
        if (!ReferenceEquals(profile, State.Profile)) State = State with { Profile = profile };
    }
}
