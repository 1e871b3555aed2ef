namespace PrivateFlows.Host.Events;

/// <summary>An accepted event whose type nothing knows: most often a producer's typo (<c>order.complete</c>).</summary>
public sealed record EventTypeWarning(string Id, string Type, string Message);
