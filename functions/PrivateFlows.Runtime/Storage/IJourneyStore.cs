namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// The whole durable state of the engine, as one adapter implements it. Consumers depend on the role they use
/// (<see cref="IEventInbox"/>, <see cref="IStepCommits"/>, <see cref="ITimerIndex"/> …), never on this: it exists for
/// wiring an adapter and for the store contract suite. The customer document is the unit of consistency (replaced
/// whole, ETag-checked); everything else is written by idempotent operations keyed by deterministic ids.
/// </summary>
public interface IJourneyStore :
    IEventInbox, ICustomerDocuments, IStepCommits, ITimerIndex, IPoisonInputs, IJourneyHistory, IMessageLog,
    ICustomerLedgers, IJourneyRegistry, IEngineStatus, IJourneyStatistics, ICustomerErasure;
