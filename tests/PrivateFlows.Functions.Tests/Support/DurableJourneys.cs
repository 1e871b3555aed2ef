using PrivateFlows.Runtime.ReadModel;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateFlows.Durable.Activities;
using PrivateFlows.Durable.Ingress;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Functions.Shells;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Functions.Tests.Support;

/// <summary>
/// The customer orchestration and its activities running in the in-process Durable Task test host, registered
/// through the Functions app's own [Function] shells (so the shells run too), writing to an in-memory read model.
/// </summary>
public sealed class DurableJourneys : IAsyncDisposable
{
    private DurableTaskTestHost? _host;

    private DurableJourneys(ShippedJourneys journeys, InMemoryReadModel readModel)
    {
        Journeys = journeys;
        ReadModel = readModel;
    }

    public ShippedJourneys Journeys { get; }

    public InMemoryReadModel ReadModel { get; }

    public DurableTaskClient Client => _host!.Client;

    public CustomerOrchestrations Orchestrations { get; } = new(new InMemoryCustomerReadModel(), NullLogger<CustomerOrchestrations>.Instance);

    public CustomerEventIngress Ingress => new(Orchestrations, NullLogger<CustomerEventIngress>.Instance);

    public static string JourneysFolder => Path.Combine(AppContext.BaseDirectory, "journeys");

    public static async Task<DurableJourneys> StartAsync(JourneyClock? clock = null, int maxDecisions = CustomerOrchestrator.DefaultMaxDecisions, IEnumerable<IMessageChannel>? adapters = null, ChannelOptions? channels = null)
    {
        var harness = new DurableJourneys(ShippedJourneys.Load(JourneysFolder), new InMemoryReadModel());
        var orchestration = new CustomerOrchestration(new CustomerOrchestrator(harness.Journeys, clock ?? JourneyClock.RealTime, maxDecisions));
        var delivery = new MessageDelivery(adapters ?? [], new FixedOptions<ChannelOptions>(channels ?? new ChannelOptions()), TimeProvider.System, NullLogger<MessageDelivery>.Instance);
        var activities = new JourneyActivities(new JourneyVersionsActivity(harness.Journeys), delivery, new StepWriter(harness.ReadModel), new ReferrerCredits(harness.Orchestrations));
        harness._host = await DurableTaskTestHost.StartAsync(registry =>
        {
            // Typed input: the host then hands the orchestration its input as the string the Functions worker also gives GetInput<string>().
            registry.AddOrchestratorFunc<string>(CustomerInstances.Orchestrator, (context, _) => orchestration.Run(context));
            registry.AddActivityFunc<string?, string[]>(ActivityNames.JourneyVersions, (_, input) => activities.JourneyVersions(input));
            registry.AddActivityFunc<string, string>(ActivityNames.DeliverMessage, (_, effect) => activities.DeliverMessage(effect, CancellationToken.None));
            registry.AddActivityFunc<string>(ActivityNames.WriteStep, (_, step) => activities.WriteStep(step, CancellationToken.None));
            registry.AddActivityFunc<string>(ActivityNames.CreditReferrer, (_, credit) => activities.CreditReferrer(credit, harness.Client, CancellationToken.None));
        }, new DurableTaskTestHostOptions());
        return harness;
    }

    public Task<Handover> SendAsync(CustomerEvent e) => Orchestrations.DeliverAsync(Client, e);

    /// <summary>The customer's orchestration status, or null before it first waited.</summary>
    public async Task<CustomerStatus?> StatusAsync(string customerId)
    {
        var metadata = await Client.GetInstanceAsync(CustomerInstances.InstanceId(customerId), getInputsAndOutputs: true);
        if (metadata?.RuntimeStatus == OrchestrationRuntimeStatus.Failed) throw new InvalidOperationException($"orchestration of {customerId} failed: {metadata.FailureDetails}");
        return metadata?.SerializedCustomStatus is null ? null : metadata.ReadCustomStatusAs<CustomerStatus>();
    }

    /// <summary>Waits (with a deadline) until the customer's orchestration has decided <paramref name="events"/> events and waits with an empty inbox.</summary>
    public async Task<CustomerStatus> SettledAsync(string customerId, long events, TimeSpan? within = null, Func<CustomerStatus, bool>? also = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        CustomerStatus? status = null;
        while (DateTime.UtcNow < deadline)
        {
            status = await StatusAsync(customerId);
            if (status is { Inbox: 0 } && status.EventsDecided >= events && (also is null || also(status))) return status;
            await Task.Delay(20);
        }

        throw new TimeoutException($"customer {customerId} did not settle: {status}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

/// <summary>Options that never change (for adapters read through <see cref="IOptionsMonitor{TOptions}"/>).</summary>
public sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
