using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// Micro-benchmarks of the step's parts (BenchmarkDotNet, in-process toolchain, short job): one decision, one
/// template render, the customer document to and from JSON. Run with <c>--micro</c>.
/// </summary>
[MemoryDiagnoser]
public class StepParts
{
    private DecisionContext _context = null!;
    private CustomerDocument _document = null!;
    private string _json = "";
    private EventReceived _order = null!;
    private EventReceived _appOpened = null!;
    private JourneyVersion _onboarding = null!;
    private Scriban.Runtime.ScriptObject _model = null!;
    private CustomerState _waiting = null!;
    private TimerFired _dayOne = null!;
    private DecisionContext _dayOneContext = null!;

    [GlobalSetup]
    public void Setup()
    {
        var journeys = JourneyLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "journeys")).Journeys;
        _onboarding = journeys.First(j => j.Name == "onboarding");
        var now = DateTimeOffset.UtcNow;
        _context = DecisionContext.For(now, journeys);
        var events = Workload.Mixed("micro", 1, 5, now.AddHours(-1)).Parse();
        var document = CustomerDocument.New(events[0].Subject);
        foreach (var e in events.Take(4)) document = document.After(CustomerDecider.Decide(document.State, new EventReceived(e), _context), $"e:{e.Id}") with { PendingEffects = [] };
        _document = document;
        _json = RuntimeJson.Serialize(document);
        _order = new EventReceived(Workload.Mixed("micro", 1, 6, now.AddHours(-1), seed: 11).Parse().Last(e => e.Type != "customer.registered") with { Subject = document.CustomerId });
        _appOpened = new EventReceived(new CustomerEvent($"{document.CustomerId}-open", EventTypes.AppOpened, document.CustomerId, now.AddMinutes(-1), new System.Text.Json.Nodes.JsonObject { ["platform"] = "ios", ["screen"] = "home" }));
        _model = ScriptModel.For(document.State.Profile, events[0], document.State.Instances.FirstOrDefault(), now);

        // The timer burst's step: an onboarding member registered a day ago, whose 1-day wait falls due at noon in their
        // time zone (outside quiet hours, so the SMS is rendered and sent, not deferred).
        var registered = Workload.Registrations("micro-burst", 0, 1, new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero)).Parse()[0];
        var entered = CustomerDecider.Decide(CustomerState.New(registered.Subject), new EventReceived(registered), DecisionContext.For(registered.Time, journeys)).State;
        var instance = entered.Instances.Single(i => i.Journey == "onboarding");
        _waiting = entered;
        _dayOne = new TimerFired(instance.Waiting!.TimerId!, instance.InstanceId, instance.Waiting.Until!.Value);
        _dayOneContext = DecisionContext.For(_dayOne.DueAt, journeys);
    }

    [Benchmark(Description = "decide one event (built-in journeys)")]
    public Decision Decide() => CustomerDecider.Decide(_document.State, _order, _context);

    /// <summary>An engagement event no journey enters or waits on (a quarter of the benchmark workload).</summary>
    [Benchmark(Description = "decide app.opened (no journey reacts)")]
    public Decision DecideUninteresting() => CustomerDecider.Decide(_document.State, _appOpened, _context);

    /// <summary>
    /// The timer burst's step (branch, coupon, SMS, new wait). Each run gets a profile it has not seen, as the runtime
    /// reads a fresh document per step: what is memoized per profile is built again, as it is there.
    /// </summary>
    [Benchmark(Description = "decide onboarding's day-1 timer (burst step)")]
    public Decision DecideDayOneTimer() => CustomerDecider.Decide(_waiting with { Profile = _waiting.Profile with { } }, _dayOne, _dayOneContext);

    [Benchmark(Description = "render one template")]
    public RenderedMessage Render() => MessageRenderer.Render(_onboarding, "onboarding-welcome", SendCategory.Transactional, "zh-CN", _model);

    [Benchmark(Description = "customer document to JSON")]
    public string Serialize() => RuntimeJson.Serialize(_document);

    [Benchmark(Description = "customer document from JSON")]
    public CustomerDocument Deserialize() => RuntimeJson.Deserialize<CustomerDocument>(_json);

    public static void Run(string[] args)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "privateflows-bdn"));
        BenchmarkRunner.Run<StepParts>(config, args);
    }
}
