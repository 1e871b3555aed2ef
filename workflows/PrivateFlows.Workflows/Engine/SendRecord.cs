using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>A message that went out, kept on the customer for frequency caps across journeys.</summary>
public sealed record SendRecord(DateTimeOffset At, string Channel, SendCategory Category, string Journey, string EffectId);
