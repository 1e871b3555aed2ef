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
    private volatile bool _disposed;

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

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_disposed) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await Task.WhenAny(_loop, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping.Cancel();
        _stopping.Dispose();
    }

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
