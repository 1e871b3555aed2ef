using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.ReadModel;

/// <summary>
/// One decided step of a customer, as the Azure orchestration hands it to the read model: the customer document
/// after the decision (profile, loyalty, instances), the decision's effects (history, points, coupons, facts …) and
/// the message records of the sends delivered for it. Every part carries deterministic ids, so writing the same step
/// twice (an activity retried after a crash) changes nothing.
/// </summary>
public sealed record CustomerStep(CustomerDocument Document, IReadOnlyList<Effect> Effects, IReadOnlyList<MessageRecord> Messages, DateTimeOffset At);
