using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>send</c>: renders the template and sends it, unless consent, quiet hours or a frequency cap say defer or drop.</summary>
internal sealed class SendBehaviour : StepBehaviour<SendStep>
{
    protected override StepMove Run(InstanceRun run, SendStep step)
    {
        Send(run, step, null);
        return StepMove.GoTo(run.Journey.DefaultNext(step));
    }

    /// <summary>
    /// Sends now if the contact policy allows; otherwise records why not, or defers the send on its own timer.
    /// <paramref name="deferredSince"/> is when a deferred send was first tried (it bounds how long it may wait).
    /// </summary>
    public static void Send(InstanceRun run, SendStep send, DateTimeOffset? deferredSince)
    {
        var decision = run.Decision;
        var now = run.Now;
        var category = send.Category ?? run.Journey.Category;
        var check = ContactArbiter.Check(decision.Profile, decision.State.RecentSends, send.Channel, category, now, decision.Context.Policy);
        if (!check.Allowed)
        {
            if (check.Block == ContactBlock.Consent || check.RetryAt is null)
            {
                run.History(HistoryKind.Suppressed, send.Id, HistoryWording.NotSent(send.Template, check.Reason));
                return;
            }

            if (send.OnLimit == OnLimit.Drop)
            {
                run.History(HistoryKind.Suppressed, send.Id, HistoryWording.Dropped(send.Template, check.Reason));
                return;
            }

            var since = deferredSince ?? now;
            if (check.RetryAt.Value - since > decision.Context.Policy.MaxDeferral)
            {
                run.History(HistoryKind.Suppressed, send.Id, HistoryWording.DroppedTooLate(send.Template, check.Reason, decision.Context.Policy.MaxDeferral));
                return;
            }

            // The send waits on its own timer; the journey goes on, so later events are not missed meanwhile.
            var timerId = run.EffectId("deferred");
            var retryAt = TimerDue.RoundUp(check.RetryAt.Value);
            decision.Effects.Add(new ScheduleTimer(timerId, run.Instance.CustomerId, timerId, run.Instance.InstanceId, retryAt));
            run.Instance = run.Instance with { DeferredSends = run.Instance.DeferredSends.Add(new DeferredSend(timerId, send.Id, since, retryAt)) };
            run.History(HistoryKind.Deferred, send.Id, HistoryWording.Deferred(send.Template, retryAt, check.Reason));
            return;
        }

        var message = MessageRenderer.Render(run.Version, send.Template, category, decision.Profile.Locale, reads => run.Model(decision.Event, reads), send.Channel);
        var effectId = run.EffectId("send");
        decision.Effects.Add(new SendMessage(effectId, run.Instance.CustomerId, run.Instance.InstanceId, run.Journey.Name, send.Id, send.Channel, category, send.Template, message.Locale, message.Subject, message.Body, Address(decision, send.Channel)));
        decision.State = decision.State with { RecentSends = decision.State.RecentSends.Add(new SendRecord(now, send.Channel, category, run.Journey.Name, effectId)) };
        run.History(HistoryKind.Sent, send.Id, HistoryWording.Sent(send.Channel, send.Template, message.Locale, message.Subject, message.Body));
    }

    private static string? Address(DecisionBuilder decision, string channel) => channel switch
    {
        Channels.Email => decision.Profile.Email,
        Channels.Sms => decision.Profile.Phone,
        _ => decision.Profile.Channels.GetValueOrDefault(channel)?.Address ?? decision.Profile.CustomerId,
    };
}
