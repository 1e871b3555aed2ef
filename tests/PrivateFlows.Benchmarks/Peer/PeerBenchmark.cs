using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MassTransit;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Benchmarks.Peer;

/// <summary>
/// The peer: MassTransit 8.5 (Apache-2.0) with the in-memory transport, the delayed message scheduler for the
/// journey's waits, and the durable SQLite saga repository, fed the same event stream as PrivateFlows (every
/// event is published: registrations as <see cref="CustomerRegistered"/>, the rest as <see cref="CustomerActivity"/>).
/// Done when every published message was consumed.
/// </summary>
public static class PeerBenchmark
{
    public const string Section = "Peer: MassTransit 8.5 saga (onboarding only), same event stream";

    public static async Task<double> RunAsync(Scale scale, Results results, string folder, double privateFlowsEventsPerSecond)
    {
        var repository = new SqliteSagaRepository(Path.Combine(folder, "peer.db"));
        var machine = new OnboardingStateMachine();
        var consumed = 0L;
        var bus = Bus.Factory.CreateUsingInMemory(cfg =>
        {
            cfg.UseDelayedMessageScheduler();
            cfg.ReceiveEndpoint("onboarding", e =>
            {
                e.ConcurrentMessageLimit = 16;
                e.PrefetchCount = 64;
                e.UseMessageRetry(r => r.Immediate(5));
                e.StateMachineSaga(machine, repository.Repository());
            });
        });
        bus.ConnectConsumeObserver(new Counter(() => Interlocked.Increment(ref consumed)));
        await bus.StartAsync().ConfigureAwait(false);
        try
        {
            // warm-up on other customers
            var warm = Workload.Mixed("pwarm", Math.Max(1, scale.WarmupEvents / 5), scale.WarmupEvents, DateTimeOffset.UtcNow.AddHours(-1), seed: 5).Parse();
            await PublishAsync(bus, warm).ConfigureAwait(false);
            await WaitAsync(() => Interlocked.Read(ref consumed) >= warm.Count, TimeSpan.FromMinutes(10)).ConfigureAwait(false);

            var events = Workload.Mixed("peer", scale.Customers, scale.Events, DateTimeOffset.UtcNow.AddHours(-1), seed: 20250303).Parse();
            var start = Interlocked.Read(ref consumed);
            var gc = GcSnapshot.Take();
            var watch = Stopwatch.StartNew();
            await PublishAsync(bus, events).ConfigureAwait(false);
            await WaitAsync(() => Interlocked.Read(ref consumed) - start >= events.Count, TimeSpan.FromMinutes(30)).ConfigureAwait(false);
            var elapsed = watch.Elapsed;
            gc.Report(results, Section, "peer", events.Count, elapsed);

            var rate = events.Count / elapsed.TotalSeconds;
            var sagas = repository.Count("SELECT COUNT(*) FROM onboarding_sagas");
            results.Add(Section, "peer: events/s", rate, "events/s",
                $"{events.Count:N0} events, {repository.Count("SELECT COUNT(*) FROM saga_messages WHERE customer_id LIKE 'peer-%'"):N0} sends recorded, {sagas:N0} sagas stored; one SQLite transaction per message, WAL, synchronous=NORMAL; load average {Load.Read()}");
            if (privateFlowsEventsPerSecond > 0)
            {
                results.Add(Section, "PrivateFlows (all five journeys, in-process) : peer", privateFlowsEventsPerSecond / rate, "×",
                    "PrivateFlows runs all five built-in journeys plus loyalty, referral and segments on every event; the peer runs onboarding only, with in-memory (not durable) scheduled messages");
            }

            return rate;
        }
        finally
        {
            await bus.StopAsync().ConfigureAwait(false);
        }
    }

    private static async Task PublishAsync(IBusControl bus, IReadOnlyList<CustomerEvent> events)
    {
        foreach (var e in events)
        {
            var id = Correlation(e.Subject);
            if (e.Type == EventTypes.Registered)
            {
                var channels = e.Data["channels"] as System.Text.Json.Nodes.JsonObject;
                bool Granted(string c) => channels?[c]?["granted"]?.GetValue<bool>() == true;
                await bus.Publish(new CustomerRegistered(id, e.Subject, e.Id, e.Time, e.DataString("name"), e.DataString("locale") ?? "zh-CN", Granted("sms"), Granted("app_push"), Granted("email"))).ConfigureAwait(false);
            }
            else
            {
                await bus.Publish(new CustomerActivity(id, e.Subject, e.Id, e.Type, e.Time, e.DataString("channel"))).ConfigureAwait(false);
            }
        }
    }

    private static async Task WaitAsync(Func<bool> done, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed > timeout) throw new TimeoutException("the peer did not consume every message in time");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>A stable saga id per customer.</summary>
    public static Guid Correlation(string customerId) => new(MD5.HashData(Encoding.UTF8.GetBytes(customerId)));

    private sealed class Counter(Action consumed) : IConsumeObserver
    {
        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is CustomerRegistered or CustomerActivity) consumed();
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
        {
            if (context.Message is CustomerRegistered or CustomerActivity) consumed();
            return Task.CompletedTask;
        }
    }
}
