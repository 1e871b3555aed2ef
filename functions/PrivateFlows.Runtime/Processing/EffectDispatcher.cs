using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Carries out a committed document's outbox: sends go through their channel adapters, then history, timer index,
/// points, coupons and message records are written idempotently (keyed by effect id) together with removing the
/// effects from the outbox. Running it twice for the same effects changes nothing.
/// A paid <see cref="RewardReferral"/> credits the referrer on the referrer's own partition: the store writes the
/// referrer's <see cref="ReferrerCredit"/> event into the inbox with the effect, and <see cref="Committed"/> queues it.
/// </summary>
public sealed class EffectDispatcher(IStepCommits store, ChannelRouter channels, TimerAlarm alarm, TimeProvider clock, IServiceProvider services)
{
    // Resolved on first use: the queues' workers run the step processor, which depends on this dispatcher.
    private CustomerQueues? _queues;

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
        Committed(effects);
        return stored;
    }

    /// <summary>
    /// Splits a decision's effects into those the store can carry out inside the step's own commit (everything but
    /// messages for a real channel adapter: those need I/O and go through the outbox) and the rest, with the
    /// message records of the sandboxed sends.
    /// </summary>
    public (List<Effect> Local, List<Effect> Outbox, List<MessageRecord> Messages) Split(IReadOnlyList<Effect> effects)
    {
        ArgumentNullException.ThrowIfNull(effects);
        var local = new List<Effect>(effects.Count);
        var outbox = new List<Effect>();
        var messages = new List<MessageRecord>();
        foreach (var effect in effects)
        {
            if (OutgoingMessage.From(effect) is { } message)
            {
                if (channels.TrySandbox(message) is not { } record)
                {
                    outbox.Add(effect);
                    continue;
                }

                messages.Add(record);
            }

            local.Add(effect);
        }

        return (local, outbox, messages);
    }

    /// <summary>
    /// After effects were committed: wakes the timer service for timers due before it would wake, and queues the
    /// referrer's credit of a paid referral reward (already durable in the inbox; a replay is a duplicate there and on
    /// the referrer's document).
    /// </summary>
    public void Committed(IEnumerable<Effect> effects)
    {
        ArgumentNullException.ThrowIfNull(effects);
        foreach (var effect in effects)
        {
            if (effect is ScheduleTimer timer) alarm.Scheduled(timer.DueAt);
            else if (effect is RewardReferral reward && ReferrerCredit.For(reward, clock.GetUtcNow()) is { } credit) Queue(credit);
        }
    }

    private void Queue(CustomerEvent credit)
    {
        try
        {
            (_queues ??= services.GetRequiredService<CustomerQueues>()).Post(StepRequest.ForEvent(credit));
        }
        catch (InvalidOperationException)
        {
            // The engine is stopping: the event is in the inbox, and the next start's recovery processes it.
        }
    }
}
