using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Insights;

/// <summary>The profiles a customer-base read can evaluate, and the ids of those it had to leave out.</summary>
public sealed record ReadableProfiles(IReadOnlyList<CustomerProfile> Profiles, IReadOnlyList<string> Skipped);
