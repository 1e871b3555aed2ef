using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>
/// The refresher is stopped and disposed in any order, more than once and at the same time: a host stopped twice at
/// once (WebApplication.Run and its test factory both stop it) calls StopAsync after or while it is disposed.
/// </summary>
public sealed class InsightsRefresherTests : IDisposable
{
    private readonly ApiFactory _api = new();

    public InsightsRefresherTests() => _ = _api.Server; // starts the host: every dependency of the refresher is there

    public void Dispose() => _api.Dispose();

    private InsightsRefresher Create() => ActivatorUtilities.CreateInstance<InsightsRefresher>(_api.Services);

    [Fact]
    public async Task StopAsync_AfterDisposeAndTwice_DoesNotThrow()
    {
        var refresher = Create();
        await refresher.StartAsync(CancellationToken.None);

        refresher.Dispose();
        refresher.Dispose();
        var stop = async () =>
        {
            await refresher.StopAsync(CancellationToken.None);
            await refresher.StopAsync(CancellationToken.None);
        };

        await stop.Should().NotThrowAsync();
    }

    [Fact]
    public async Task StopAsync_WhileDisposedOnAnotherThread_DoesNotThrow()
    {
        for (var i = 0; i < 200; i++)
        {
            var refresher = Create();
            await refresher.StartAsync(CancellationToken.None);
            using var go = new Barrier(2);
            var dispose = Task.Run(() =>
            {
                go.SignalAndWait();
                refresher.Dispose();
            });
            var stop = Task.Run(async () =>
            {
                go.SignalAndWait();
                await refresher.StopAsync(CancellationToken.None);
            });

            var both = () => Task.WhenAll(dispose, stop);
            await both.Should().NotThrowAsync($"round {i}");
        }
    }

    [Fact]
    public async Task StopAsync_HostGivesUpWaiting_ReturnsWithoutThrowing()
    {
        var refresher = Create();
        await refresher.StartAsync(CancellationToken.None);
        using var gaveUp = new CancellationTokenSource();
        await gaveUp.CancelAsync();

        var stop = () => refresher.StopAsync(gaveUp.Token);

        await stop.Should().NotThrowAsync();
        refresher.Dispose();
    }
}
