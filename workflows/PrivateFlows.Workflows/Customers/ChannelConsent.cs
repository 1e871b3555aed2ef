namespace PrivateFlows.Workflows.Customers;

/// <summary>
/// Consent for one channel: <see cref="Granted"/> allows any message (transactional included),
/// <see cref="Marketing"/> additionally allows marketing. Who said so and when is kept for audits.
/// </summary>
public sealed record ChannelConsent(bool Granted, bool Marketing, string Source, DateTimeOffset At, string? Address = null);
