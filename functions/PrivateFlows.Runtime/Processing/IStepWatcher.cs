namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Told when a posted request has been processed (or failed: <c>outcome</c> null), before that customer's next request
/// starts. Requests of different customers may finish at the same time (a worker runs fired timers side by side, see
/// <see cref="ProcessingOptions.TimerLanes"/>), so a watcher must be thread-safe. One watcher serves many requests, so
/// posting costs no callback per request.
/// </summary>
internal interface IStepWatcher
{
    void StepDone(StepRequest request, StepOutcome? outcome);
}
