using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Loads declared A/B winners before the engine processes anything, then every <see cref="InsightsOptions.RefreshInterval"/>
/// checks winner rules and, in RFM quintile mode, recomputes the program's cut points from the customer base.
/// </summary>
public sealed class InsightsRefresher(
    JourneyInsights insights,
    CustomerDirectory customers,
    JourneyCatalog catalog,
    IOptions<InsightsOptions> options,
    TimeProvider clock,
    ILogger<InsightsRefresher> log) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await insights.LoadWinnersAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Declared A/B winners could not be loaded at start-up; retrying in the background");
        }

        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// Cancels the loop and waits for it (until the host gives up waiting). Safe in any order with <see cref="Dispose"/>
    /// and more than once: a host stopped twice at once (WebApplication.Run and its test factory both stop it) may
    /// call it after disposal.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is null) return;
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the host gave up waiting
        }
    }

    /// <summary>
    /// Cancels the loop. <c>_stopping</c> is not disposed (as in <see cref="Processing.CustomerQueues"/>): StopAsync may
    /// still come after this, and a cancellation source without timers holds nothing to release.
    /// </summary>
    public void Dispose() => _stopping.Cancel();

    /// <summary>One pass: winner rules, then quintile cut points.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await insights.RefreshWinnersAsync(cancellationToken).ConfigureAwait(false);
        if (catalog.Program.RfmMode == RfmMode.Quintiles)
        {
            var profiles = await customers.AllAsync(cancellationToken).ConfigureAwait(false);
            catalog.Program = customers.ProgramFor(profiles, clock.GetUtcNow());
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.RefreshInterval > TimeSpan.Zero ? options.Value.RefreshInterval : TimeSpan.FromMinutes(5);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(interval, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Insights refresh failed; next try in {Interval}", interval);
                try
                {
                    await Task.Delay(interval, clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
