using System.Collections.Immutable;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Workflows.Customers;

/// <summary>What PrivateFlows knows about one customer. Immutable: every change makes a new profile.</summary>
public sealed record CustomerProfile
{
    public required string CustomerId { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string Locale { get; init; } = "zh-CN";
    public string TimeZone { get; init; } = "Asia/Shanghai";
    /// <summary>Month and day (<c>MM-dd</c>) or full date (<c>yyyy-MM-dd</c>).</summary>
    public string? Birthday { get; init; }
    public ImmutableSortedDictionary<string, ChannelConsent> Channels { get; init; } = ImmutableSortedDictionary<string, ChannelConsent>.Empty;
    public ImmutableSortedSet<string> Tags { get; init; } = ImmutableSortedSet<string>.Empty;
    public ImmutableSortedDictionary<string, string> Attributes { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public OrdersSummary Orders { get; init; } = new();
    /// <summary>The points balance (every ledger entry of the customer, summed).</summary>
    public long Points { get; init; }
    public string Tier { get; init; } = "member";
    /// <summary>Points lots, qualifying totals and tier schedule behind <see cref="Points"/> and <see cref="Tier"/>.</summary>
    public LoyaltyAccount Loyalty { get; init; } = new();
    public Activity Activity { get; init; } = new();
    /// <summary>Device ids, phones and payment fingerprints seen in the customer's events (for referral anti-fraud).</summary>
    public Fingerprints Fingerprints { get; init; } = new();
    /// <summary>The last time the customer came back after being dormant or churned.</summary>
    public Recall? LastRecall { get; init; }
    /// <summary>Set when the customer joined through a referral.</summary>
    public ReferredBy? ReferredBy { get; init; }
    public DateTimeOffset? RegisteredAt { get; init; }
    public DateTimeOffset? LastActiveAt { get; init; }
    public ImmutableSortedDictionary<string, string> ExternalIds { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public bool HasConsent(string channel, bool marketing) =>
        Channels.TryGetValue(channel, out var c) && c.Granted && (!marketing || c.Marketing);
}
