using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>
/// <c>POST /FireDueTimers</c>, invoked by the timer trigger every 10 s (a singleton across instances): reads the due
/// timers from the index and publishes each as a message to the topic with <c>SessionId</c> = customer id and
/// <c>MessageId</c> = timer id, so timer work is spread over instances and ordered with the customer's events.
/// A timer stays in the index until the step that consumes it commits. A published timer is not published again for
/// <see cref="ServiceBusOptions.RepublishAfter"/>; after that a re-send inside the topic's duplicate detection window is
/// dropped by Service Bus, and one after it is harmless: the customer document remembers processed inputs and the
/// decider ignores a timer its instance no longer waits for.
/// </summary>
public sealed class FireDueTimersFunction(
    IJourneyStore store,
    ServiceBusRestSender sender,
    IOptions<ServiceBusOptions> options,
    TimeProvider clock,
    ILogger<FireDueTimersFunction> logger)
{
    public const string Route = "/FireDueTimers";
    private const string TimerBinding = "timer";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _published = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>Timers published and not yet expected back (for tests and diagnostics).</summary>
    public int RecentlyPublished => _published.Count;

    public async Task<IResult> InvokeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var log = new InvocationLog(logger);
        var invocation = await InvocationBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        var timer = invocation?.Binding(TimerBinding) as System.Text.Json.Nodes.JsonObject;
        if (InvocationRequest.TextOf(InvocationRequest.Get(timer, "IsPastDue")) == "true") log.Warning("FireDueTimers: the timer trigger ran late (IsPastDue)");

        if (!await _running.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            log.Information("FireDueTimers: the previous run is still publishing; skipped");
            return InvocationResponse.Result(StatusCodes.Status200OK, log);
        }

        try
        {
            var run = await PublishDueAsync(log, cancellationToken).ConfigureAwait(false);
            return InvocationResponse.Result(run ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError, log);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<bool> PublishDueAsync(InvocationLog log, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        foreach (var (id, at) in _published)
        {
            if (now - at >= settings.RepublishAfter) _published.TryRemove(id, out _);
        }

        IReadOnlyList<DueTimer> timers;
        try
        {
            timers = await store.ReadEarliestTimersAsync(settings.MaxTimersPerRun + _published.Count, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Error(e, "FireDueTimers: reading the timer index failed; the next run retries");
            return false;
        }

        var due = new List<DueTimer>();
        var inFlight = 0;
        DateTimeOffset? next = null;
        foreach (var timer in timers)
        {
            if (timer.DueAt > now)
            {
                next = timer.DueAt;
                break;
            }

            if (_published.ContainsKey(TimerMessage.BrokerId(timer.TimerId)))
            {
                inFlight++;
                continue;
            }

            if (due.Count >= settings.MaxTimersPerRun) break;
            due.Add(timer);
        }

        if (due.Count == 0)
        {
            log.Information("FireDueTimers: no timer due ({InFlight} published and on their way); next due at {NextDue}", inFlight, next?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "none");
            return true;
        }

        var messages = due.Select(ToMessage).ToList();
        var sent = 0;
        try
        {
            await sender.SendAsync(messages, batch =>
            {
                var at = clock.GetUtcNow();
                foreach (var m in batch) _published[m.MessageId] = at;
                sent += batch.Count;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Error(e, "FireDueTimers: published {Sent} of {Due} due timers, then sending failed; the rest go out in the next run", sent, due.Count);
            return false;
        }

        var lateness = now - due[0].DueAt;
        log.Information("FireDueTimers: published {Count} due timers to {Topic} (oldest {Lateness} late, {InFlight} still on their way)", due.Count, settings.Topic, lateness, inFlight);
        return true;
    }

    private static BrokerMessage ToMessage(DueTimer timer) => new(
        TimerMessage.ToCloudEvent(timer).ToJsonString(),
        TimerMessage.BrokerId(timer.CustomerId),
        TimerMessage.BrokerId(timer.TimerId),
        new Dictionary<string, string>(StringComparer.Ordinal) { [TimerMessage.KindProperty] = TimerMessage.KindValue });
}
