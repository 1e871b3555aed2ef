namespace PrivateFlows.Workflows.Customers;

/// <summary>Whether the customer may be contacted on a channel, who said so and when.</summary>
public sealed record ChannelConsent(bool Granted, string Source, DateTimeOffset At, string? Address = null);
