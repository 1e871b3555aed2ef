namespace PrivateFlows.Runtime.Storage;

/// <summary>The raw material of journey statistics: anonymous facts, live counts per step, declared A/B winners.</summary>
public interface IJourneyStatistics
{
    /// <summary>
    /// Every fact about a journey's instances. Facts are written with the effects they derive from
    /// (<c>JourneyFacts.From</c>, in the step's write plan, once per fact id) and survive
    /// <see cref="ICustomerErasure.EraseCustomerAsync"/> anonymised.
    /// </summary>
    Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many in-flight (not ended) instances of <paramref name="journey"/> are at each step, per version (only
    /// <paramref name="version"/> when given): the live counts of the journey graph. Read from an index the store keeps
    /// with every customer commit, so it costs in proportion to the journey's steps or in-flight instances, never a scan
    /// of all customers. Rows with no instances are left out; ordered by version, then step (ordinal).
    /// </summary>
    Task<IReadOnlyList<InstanceStepCount>> CountInstancesByStepAsync(string journey, string? version = null, CancellationToken cancellationToken = default);

    /// <summary>Stores a declared A/B winner unless the journey already has one (the first declaration stands); returns the stored one.</summary>
    Task<DeclaredWinner> DeclareWinnerAsync(DeclaredWinner winner, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeclaredWinner>> ReadWinnersAsync(CancellationToken cancellationToken = default);
}
