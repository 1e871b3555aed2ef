using System.Collections.Immutable;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Durable.Api;

/// <summary>A customer as the local host's <c>GET /api/customers/{id}</c> shows it (same fields, same JSON).</summary>
/// <param name="Timers">The instances' pending waits (in Azure each is a durable timer of the customer's orchestration).</param>
public sealed record CustomerView(
    string CustomerId,
    long Version,
    CustomerProfile Profile,
    ImmutableArray<JourneyInstance> Instances,
    ImmutableArray<SendRecord> RecentSends,
    ImmutableSortedDictionary<string, DateTimeOffset> LastEntered,
    int PendingEffects,
    IReadOnlyList<DueTimer> Timers);

/// <summary>One instance's state (null once it left the customer's document) and its history, oldest first.</summary>
public sealed record InstanceView(string InstanceId, string CustomerId, JourneyInstance? Instance, IReadOnlyList<HistoryEntry> History, long? Next);

public sealed record Expiring(long Points, DateTimeOffset At);

public sealed record PointsView(string CustomerId, long Balance, string Tier, IReadOnlyList<PointsEntry> Entries, Expiring? Expiring, long Held);

public sealed record CustomerSegments(string Lifecycle, RfmScore Rfm, string Tier, ImmutableArray<string> Segments);
