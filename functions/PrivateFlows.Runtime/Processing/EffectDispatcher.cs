using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Carries out a committed document's outbox: sends go through their channel adapters, then history, timer index,
/// points, coupons and message records are written idempotently (keyed by effect id) together with removing the
/// effects from the outbox. Running it twice for the same effects changes nothing.
/// </summary>
public sealed class EffectDispatcher(IJourneyStore store, ChannelRouter channels, TimerAlarm alarm, TimeProvider clock)
{
    public async Task<CustomerDocument> DispatchAsync(CustomerDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var effects = document.PendingEffects;
        if (effects.IsEmpty) return document;
        using var activity = RuntimeActivity.Source.StartActivity("dispatch");
        activity?.SetTag("privateflows.effects", effects.Length);
        var messages = new List<MessageRecord>();
        foreach (var effect in effects)
        {
            if (OutgoingMessage.From(effect) is { } message) messages.Add(await channels.SendAsync(message, cancellationToken).ConfigureAwait(false));
        }

        var stored = await store.CompleteEffectsAsync(document, effects, messages, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var timer in effects.OfType<ScheduleTimer>()) alarm.Scheduled(timer.DueAt);
        return stored;
    }
}
