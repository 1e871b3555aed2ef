using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Timers;

/// <summary>
/// A failed pass of the timer loop is retried after a real second, not a second on the engine's clock: on a test or
/// virtual clock that stands still, a back-off on that clock never ends, and the due timers wait for someone to move it.
/// (This was the TimerService wake-up test's flake: a read that failed once after the clock's last move stalled it.)
/// </summary>
public sealed class TimerLoopFailureTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_failed_read_of_due_timers_is_retried_although_the_clock_stands_still()
    {
        var clock = new FakeTimeProvider(EngineHarness.Start);
        var dueAt = EngineHarness.Start.AddDays(1);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateFlows:Sqlite:Path"] = _folder.File("failure.db"),
            ["PrivateFlows:Journeys:Path"] = Paths.BuiltInJourneys,
            ["PrivateFlows:Processing:Workers"] = "2",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddPrivateFlowsRuntime(builder.Configuration).UseSqlite();
        builder.Services.AddSingleton(sp => FailsOnceWhenDue.Wrap(sp.GetRequiredService<SqliteJourneyStore>(), dueAt));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<SqliteJourneyStore>();
            await host.Services.GetRequiredService<EventIngest>().AcceptAsync([Events.Registered("c1", clock.GetUtcNow())]);
            await host.Services.GetRequiredService<CustomerQueues>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

            clock.SetUtcNow(dueAt); // the read at the due time fails once; the clock does not move again

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            string? step = null;
            while (DateTime.UtcNow < deadline)
            {
                step = (await store.ReadCustomerAsync("c1"))!.State.Instances.Single(i => i.Journey == "onboarding").StepId;
                if (step == "wait-until-day-3") break;
                await Task.Delay(20);
            }

            FailsOnceWhenDue.Failures.Should().Be(1, "the loop's read at the due time failed once");
            step.Should().Be("wait-until-day-3", "the loop retried after a real second and fired the timer");
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stop.Token);
        }
    }

    /// <summary>The store, except that the first read of due timers at or after <c>dueAt</c> throws.</summary>
    public class FailsOnceWhenDue : DispatchProxy
    {
        private static int _failures;
        private IJourneyStore _store = null!;
        private DateTimeOffset _dueAt;

        public static int Failures => Volatile.Read(ref _failures);

        public static IJourneyStore Wrap(IJourneyStore store, DateTimeOffset dueAt)
        {
            var proxy = Create<IJourneyStore, FailsOnceWhenDue>();
            var self = (FailsOnceWhenDue)(object)proxy;
            self._store = store;
            self._dueAt = dueAt;
            _failures = 0;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IJourneyStore.ReadDueTimersAsync) && args![0] is DateTimeOffset now && now >= _dueAt && Interlocked.CompareExchange(ref _failures, 1, 0) == 0)
            {
                return Task.FromException<DueTimerPage>(new InvalidOperationException("the store is briefly unavailable"));
            }

            try
            {
                return targetMethod.Invoke(_store, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
