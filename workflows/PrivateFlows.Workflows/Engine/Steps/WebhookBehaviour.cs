using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>webhook</c>: posts <see cref="WebhookBody"/> to the step's URL (the runtime delivers it, idempotent by effect id).</summary>
internal sealed class WebhookBehaviour : StepBehaviour<WebhookStep>
{
    protected override StepMove Run(InstanceRun run, WebhookStep webhook)
    {
        var body = WebhookBody.For(run.Journey, run.Instance, webhook, run.Now);
        run.Decision.Effects.Add(new CallWebhook(run.EffectId("webhook"), run.Instance.CustomerId, run.Instance.InstanceId, webhook.Url, body));
        run.History(HistoryKind.Action, webhook.Id, HistoryWording.CalledWebhook(webhook.Url));
        return StepMove.GoTo(run.Journey.DefaultNext(webhook));
    }
}
