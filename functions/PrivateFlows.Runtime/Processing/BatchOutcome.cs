namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// What became of a batched step: the outcome of each request in order, or (<see cref="Outcomes"/> null) none, and the
/// requests are to be processed one at a time. <see cref="FailedAt"/> is then the request whose decision threw, if one
/// did: that try counts as its first attempt, so it is not tried more often than a single step would try it, and
/// <see cref="Failure"/> is what it threw (the reason it is parked with when that was its last attempt).
/// </summary>
public sealed record BatchOutcome(IReadOnlyList<StepOutcome>? Outcomes, int FailedAt = -1, Exception? Failure = null)
{
    public static readonly BatchOutcome RunAlone = new(Outcomes: null);

    /// <summary>Tries of <paramref name="index"/>'s input that failed in the batch.</summary>
    public int FailuresOf(int index) => index == FailedAt ? 1 : 0;

    /// <summary>What <paramref name="index"/>'s input threw in the batch, if it failed there.</summary>
    public Exception? FailureOf(int index) => index == FailedAt ? Failure : null;
}
