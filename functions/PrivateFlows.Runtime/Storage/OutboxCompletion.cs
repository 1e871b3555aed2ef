using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Storage;

/// <summary>Completing a document's outbox is a step commit too: the same document without the done effects, with their rows.</summary>
public static class OutboxCompletion
{
    /// <summary>
    /// Records dispatched effects idempotently (history, timer index, points, coupons, messages, facts) and removes
    /// them from the document's outbox, checked against the document's version. Returns the stored document.
    /// </summary>
    public static Task<CustomerDocument> CompleteEffectsAsync(this IStepCommits store, CustomerDocument document, IReadOnlyList<Effect> effects, IReadOnlyList<MessageRecord> messages, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(effects);
        var done = effects.Select(e => e.EffectId).ToHashSet(StringComparer.Ordinal);
        var remaining = document with { PendingEffects = [.. document.PendingEffects.Where(e => !done.Contains(e.EffectId))] };
        var write = StepWrite.Plan(document, document.Version, remaining, effects, messages, at);
        return store.CommitStepAsync(new StepCommit(remaining, document.Version) { Write = write }, cancellationToken);
    }
}
