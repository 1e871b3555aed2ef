using System.Collections.Immutable;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PrivateFlows.Durable.Activities;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Durable.Orchestration;

/// <summary>
/// One eternal orchestration per customer (instance id <see cref="CustomerInstances.InstanceId"/>): it takes the next
/// input — the earliest timer the decider owes, or the next event at its own time — decides it with the same pure
/// <see cref="CustomerDecider"/> the local engine and the simulator run, carries out the decision's effects as
/// activities (sends, referrer credit, the step into the read model), and after <see cref="MaxDecisionsPerGeneration"/>
/// decisions continues as new with its state, so its history stays short. When nothing is due it waits for the next
/// event racing a durable timer for the earliest due time.
/// <para>
/// Journey time: an event is decided at its own time (never before the previous decision; an event stamped in the
/// future waits until then), a timer at its due time — the instants the simulator uses. "Now" is
/// <c>context.CurrentUtcDateTime</c> through <see cref="JourneyClock"/>. No clock, Guid or random here: ids come from
/// the decider, versions from an activity, so a replay decides exactly the same.
/// </para>
/// <para>
/// The event waiter is never cancelled: the Durable SDK hands an event to a cancelled waiter and it is lost, so a
/// waiter that lost a race to a timer stays for the next round, and the orchestration only continues as new when no
/// waiter is outstanding (events that came meanwhile are carried over with <c>preserveUnprocessedEvents</c>).
/// </para>
/// </summary>
public sealed class CustomerOrchestrator(ShippedJourneys journeys, JourneyClock clock, int maxDecisionsPerGeneration = CustomerOrchestrator.DefaultMaxDecisions)
{
    public const int DefaultMaxDecisions = 16;

    /// <summary>Activities retry with back-off for about half an hour before the step fails.</summary>
    public static readonly TaskOptions ActivityRetries = TaskOptions.FromRetryPolicy(new RetryPolicy(8, TimeSpan.FromSeconds(2), 2.5, TimeSpan.FromMinutes(10)));

    public int MaxDecisionsPerGeneration { get; } = maxDecisionsPerGeneration;

    public async Task RunAsync(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var log = context.CreateReplaySafeLogger<CustomerOrchestrator>();
        var input = context.GetInput<string>() ?? throw new InvalidOperationException($"orchestration {context.InstanceId} started without input");
        var run = RuntimeJson.Deserialize<CustomerJourneys>(input);
        var versions = await context.CallActivityAsync<string[]>(ActivityNames.JourneyVersions, null, ActivityRetries);
        run = run with { JourneyVersions = [.. versions] };

        Task<string>? arrival = null;
        var decisions = 0;
        while (true)
        {
            run = run.WithoutDuplicates(out var duplicates);
            if (duplicates > 0) log.LogInformation("Customer {CustomerId}: {Duplicates} repeated event id(s) ignored", run.CustomerId, duplicates);

            var next = run.Next();
            if (next is not null && next.At <= clock.ToJourney(context.CurrentUtcDateTime))
            {
                run = await DecideAsync(context, run, next);
                decisions++;
                continue;
            }

            if (arrival is null && decisions >= MaxDecisionsPerGeneration)
            {
                context.ContinueAsNew(RuntimeJson.Serialize(run), preserveUnprocessedEvents: true);
                return;
            }

            context.SetCustomStatus(CustomerStatus.Of(run));
            arrival ??= context.WaitForExternalEvent<string>(CustomerInstances.EventName);
            if (next is null)
            {
                run = Received(run, await arrival, log);
                arrival = null;
                continue;
            }

            using var cancel = new CancellationTokenSource();
            var timer = context.CreateTimer(clock.ToReal(next.At), cancel.Token);
            if (await Task.WhenAny(arrival, timer) == arrival)
            {
                cancel.Cancel();
                run = Received(run, await arrival, log);
                arrival = null;
                continue;
            }

            // The durable timer for the earliest input fired: its instant has come, whatever the clock's rounding says.
            run = await DecideAsync(context, run, next);
            decisions++;
        }
    }

    private static CustomerJourneys Received(CustomerJourneys run, string payload, ILogger log)
    {
        var read = CloudEventReader.Read(payload);
        if (read.Ok && read.Event!.Subject == run.CustomerId) return run.Received(read.Event);
        // Ingress validates before raising; anything else raised here by hand is dropped, loudly.
        log.LogError("Customer {CustomerId}: dropped an event that is not a valid event of this customer: {Field} {Error}", run.CustomerId, read.Field ?? "subject", read.Error ?? read.Event?.Subject);
        return run;
    }

    private async Task<CustomerJourneys> DecideAsync(TaskOrchestrationContext context, CustomerJourneys run, NextInput next)
    {
        var decision = CustomerDecider.Decide(run.State, next.Input, journeys.ContextAt(next.At, run.JourneyVersions));
        var after = run.After(next, decision);

        var sends = decision.Effects.Where(e => e is SendMessage or CallWebhook)
            .Select(e => context.CallActivityAsync<string>(ActivityNames.DeliverMessage, RuntimeJson.Serialize<Effect>(e), ActivityRetries))
            .ToList();
        var messages = sends.Count == 0 ? [] : (await Task.WhenAll(sends)).Select(RuntimeJson.Deserialize<MessageRecord>).ToList();

        foreach (var reward in decision.Effects.OfType<RewardReferral>())
        {
            if (ReferrerCredit.For(reward, next.At) is { } credit)
            {
                await context.CallActivityAsync(ActivityNames.CreditReferrer, RuntimeJson.Serialize(credit), ActivityRetries);
            }
        }

        // A timer that changed nothing (stale, or a loyalty check with nothing due) has nothing to show in the read model.
        if (!decision.Effects.IsEmpty || next.Input is EventReceived)
        {
            var document = new CustomerDocument { State = after.State, ProcessedInputs = [.. after.DecidedEvents.TakeLast(CustomerDocument.RememberedInputs).Select(id => $"e:{id}")] };
            var step = new CustomerStep(document, decision.Effects, messages, next.At);
            await context.CallActivityAsync(ActivityNames.WriteStep, RuntimeJson.Serialize(step), ActivityRetries);
        }

        return after;
    }
}
