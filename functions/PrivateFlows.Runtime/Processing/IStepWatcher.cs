namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Told when a posted request has been processed (or failed: <c>outcome</c> null), on the customer's worker, before the
/// next request of that worker starts. One watcher serves many requests, so posting costs no callback per request.
/// </summary>
internal interface IStepWatcher
{
    void StepDone(StepRequest request, StepOutcome? outcome);
}
