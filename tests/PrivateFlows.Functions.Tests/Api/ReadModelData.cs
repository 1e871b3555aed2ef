using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>A customer in the in-memory read model as an orchestration step would write her: one waiting instance, history, points, a message.</summary>
public static class ReadModelData
{
    public static readonly DateTimeOffset At = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    public const string InstanceId = "onboarding/c-1/1";

    public static async Task<InMemoryCustomerReadModel> WithCustomerAsync(string customerId = "c-1")
    {
        var model = new InMemoryCustomerReadModel();
        var instance = new JourneyInstance
        {
            InstanceId = InstanceId,
            CustomerId = customerId,
            Journey = "onboarding",
            Version = "v-hash",
            EntryEvent = Events.Registered(customerId, At),
            StartedAt = At,
            StepId = "wait-a-day",
            Waiting = new Waiting { TimerId = "timer-1", Until = At.AddDays(1), Reason = WaitingReason.Wait },
        };
        var document = new CustomerDocument
        {
            State = CustomerState.New(customerId) with { Profile = new CustomerProfile { CustomerId = customerId, Points = 50 }, Instances = [instance] },
            Version = 3,
        };
        Effect[] effects =
        [
            new RecordHistory("h-1", customerId, new HistoryEntry("h-1", InstanceId, "onboarding", At, HistoryKind.Entered, "start", "entered on user.registered")),
            new RecordHistory("h-2", customerId, new HistoryEntry("h-2", InstanceId, "onboarding", At, HistoryKind.Sent, "welcome", "sent welcome by email")),
            new AwardPoints("p-1", customerId, InstanceId, 50, "welcome"),
        ];
        MessageRecord[] messages =
        [
            new("m-1", customerId, InstanceId, "onboarding", "welcome", "email", "marketing", "welcome", "en", "Welcome", "Hello", "c-1@example.test", "sandbox", DeliveryStatus.Sandboxed, 1, null, At),
        ];
        await model.WriteStepAsync(new CustomerStep(document, effects, messages, At));
        return model;
    }
}
