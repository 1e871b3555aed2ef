using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateFlows.Durable.Activities;
using PrivateFlows.Durable.Ingress;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

// Customer events per second through the customer orchestration in the in-process Durable Task host, and the CPU
// cost of replaying one generation (what every episode of a customer's orchestration re-runs before deciding anew).
// Set DOTNET_PROCESSOR_COUNT=64 (the host runs at most processor-count work items at once).
var customers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var perCustomer = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var journeys = ShippedJourneys.Load(Path.Combine(AppContext.BaseDirectory, "journeys"));
var readModel = new CountingReadModel();
var orchestrator = new CustomerOrchestrator(journeys, JourneyClock.RealTime);
var delivery = new MessageDelivery([], new FixedChannels(), TimeProvider.System, NullLogger<MessageDelivery>.Instance);
var orchestrations = new CustomerOrchestrations(new PrivateFlows.Runtime.ReadModel.InMemoryCustomerReadModel(), NullLogger<CustomerOrchestrations>.Instance);
var versions = new JourneyVersionsActivity(journeys);
var writer = new StepWriter(readModel);
DurableTaskTestHost? host = null;
host = await DurableTaskTestHost.StartAsync(registry =>
{
    registry.AddOrchestratorFunc<string>(CustomerInstances.Orchestrator, (context, _) => orchestrator.RunAsync(context));
    registry.AddActivityFunc<string?, string[]>(ActivityNames.JourneyVersions, (_, _) => versions.Run());
    registry.AddActivityFunc<string, string>(ActivityNames.DeliverMessage, (_, effect) => delivery.RunAsync(effect));
    registry.AddActivityFunc<string>(ActivityNames.WriteStep, (_, step) => writer.RunAsync(step));
    registry.AddActivityFunc<string>(ActivityNames.CreditReferrer, (_, credit) => new ReferrerCredits(orchestrations).RunAsync(credit, host!.Client));
}, new DurableTaskTestHostOptions());

// Throughput: every customer signs up, then opens the app (perCustomer - 1) times; events are handed over per customer in order.
var now = DateTimeOffset.UtcNow;
var total = customers * perCustomer;
var watch = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, customers).Select(async c =>
{
    var id = $"b{c.ToString("D5", CultureInfo.InvariantCulture)}";
    await orchestrations.DeliverAsync(host.Client, Event($"{id}-0", EventTypes.Registered, id, now));
    for (var i = 1; i < perCustomer; i++) await orchestrations.DeliverAsync(host.Client, Event($"{id}-{i}", EventTypes.AppOpened, id, now));
}));
var handedOver = watch.Elapsed;
while (readModel.EventSteps < total)
{
    if (watch.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"{readModel.EventSteps} of {total} events decided after 10 min");
    await Task.Delay(50);
}

var elapsed = watch.Elapsed;
Console.WriteLine($"throughput: {customers} customers x {perCustomer} events = {total} events decided in {elapsed.TotalSeconds:0.0} s = {total / elapsed.TotalSeconds:0} events/s (handed over in {handedOver.TotalSeconds:0.0} s); {readModel.Steps} steps written");
await host.DisposeAsync();

// Replay cost: one generation of 16 decisions re-run as an episode does (input JSON in, decider, activity inputs out).
var events = Enumerable.Range(0, CustomerOrchestrator.DefaultMaxDecisions).Select(i => Event($"r-{i}", i == 0 ? EventTypes.Registered : EventTypes.AppOpened, "r", now + TimeSpan.FromMinutes(i))).ToList();
var input = RuntimeJson.Serialize(CustomerJourneys.New("r", events) with { JourneyVersions = journeys.Latest });
Replay(input, journeys); // warm up
const int Rounds = 50;
var allocated = GC.GetAllocatedBytesForCurrentThread();
var replay = Stopwatch.StartNew();
for (var i = 0; i < Rounds; i++) Replay(input, journeys);
replay.Stop();
allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
var perGeneration = replay.Elapsed.TotalMilliseconds / Rounds;
Console.WriteLine($"replay: one generation of {events.Count} decisions in {perGeneration:0.00} ms ({perGeneration / events.Count * 1000:0} µs and {allocated / Rounds / events.Count / 1024:0} KiB allocated per decision); input {input.Length / 1024.0:0.0} KiB");

static CustomerEvent Event(string id, string type, string customer, DateTimeOffset at) =>
    new(id, type, customer, at, type == EventTypes.Registered
        ? new JsonObject { ["name"] = "林晓", ["locale"] = "zh-CN", ["timeZone"] = "Asia/Shanghai", ["channels"] = new JsonObject { ["app_push"] = true, ["sms"] = true } }
        : new JsonObject { ["platform"] = "ios" }, "benchmark");

static void Replay(string input, ShippedJourneys journeys)
{
    var run = RuntimeJson.Deserialize<CustomerJourneys>(input);
    while (run.Next() is { } next)
    {
        var decision = CustomerDecider.Decide(run.State, next.Input, journeys.ContextAt(next.At, run.JourneyVersions));
        run = run.After(next, decision);
        foreach (var effect in decision.Effects.Where(e => e is SendMessage or CallWebhook)) _ = RuntimeJson.Serialize(effect);
        _ = RuntimeJson.Serialize(new CustomerStep(new PrivateFlows.Runtime.Storage.CustomerDocument { State = run.State }, decision.Effects, [], next.At));
        if (next.Input is TimerFired) break; // a generation of events only
    }
}

/// <summary>Counts written steps and the distinct events they decided (the benchmark measures the orchestration, not a store).</summary>
internal sealed class CountingReadModel : ICustomerReadModel
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _decided = new(StringComparer.Ordinal);
    private int _steps;

    public int Steps => Volatile.Read(ref _steps);

    public int EventSteps => _decided.Count;

    public Task WriteStepAsync(CustomerStep step, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _steps);
        foreach (var id in step.Document.ProcessedInputs) _decided.TryAdd($"{step.Document.CustomerId}/{id}", true);
        return Task.CompletedTask;
    }

    public Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default) => Task.FromResult(false);
}

internal sealed class FixedChannels : Microsoft.Extensions.Options.IOptionsMonitor<ChannelOptions>
{
    public ChannelOptions CurrentValue { get; } = new();

    public ChannelOptions Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<ChannelOptions, string?> listener) => null;
}
