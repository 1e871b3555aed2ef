namespace PrivateFlows.Runtime.ReadModel;

/// <summary>
/// What marketers and ops read in Azure (profile, points ledger, messages, step history, journey facts, step counts),
/// written by the customer's Durable orchestration after each step. Journey state itself lives in Durable Functions;
/// this is a projection of it, so writes are idempotent and a step is never decided from it.
/// </summary>
public interface ICustomerReadModel
{
    /// <summary>Writes one step idempotently (a replayed step rewrites nothing and duplicates nothing).</summary>
    Task WriteStepAsync(CustomerStep step, CancellationToken cancellationToken = default);

    /// <summary>Erases everything the read model holds about a customer (GDPR/PIPL), leaving the anonymised journey facts; false when nothing was there.</summary>
    Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default);
}
