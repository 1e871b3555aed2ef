using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Tests.Support;

/// <summary>Customer profiles used across tests: one in Shanghai speaking Chinese, one in New York speaking English.</summary>
public static class People
{
    public const string ShanghaiZone = "Asia/Shanghai";
    public const string NewYorkZone = "America/New_York";
    public static readonly DateTimeOffset ConsentGiven = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Consent on every messaging channel; <paramref name="marketing"/> says whether marketing is allowed too.</summary>
    public static ImmutableSortedDictionary<string, ChannelConsent> AllChannels(bool marketing = true) =>
        Channels.All.Where(c => c != Channels.Webhook)
            .ToImmutableSortedDictionary(c => c, _ => new ChannelConsent(true, marketing, "signup", ConsentGiven), StringComparer.Ordinal);

    public static CustomerProfile LinXiao(string id = "cust-sh") => new()
    {
        CustomerId = id,
        Name = "林晓",
        Email = "linxiao@example.com",
        Phone = "+8613800010001",
        Locale = "zh-CN",
        TimeZone = ShanghaiZone,
        Channels = AllChannels(),
    };

    public static CustomerProfile EmilyChen(string id = "cust-ny") => new()
    {
        CustomerId = id,
        Name = "Emily Chen",
        Email = "emily.chen@example.com",
        Phone = "+12125550187",
        Locale = "en-US",
        TimeZone = NewYorkZone,
        Channels = AllChannels(),
    };

    public static CustomerProfile WithChannels(this CustomerProfile profile, params (string Channel, bool Granted, bool Marketing)[] channels) =>
        profile with
        {
            Channels = channels.ToImmutableSortedDictionary(c => c.Channel, c => new ChannelConsent(c.Granted, c.Granted && c.Marketing, "signup", ConsentGiven), StringComparer.Ordinal),
        };
}
