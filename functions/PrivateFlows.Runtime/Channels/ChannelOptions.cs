namespace PrivateFlows.Runtime.Channels;

/// <summary>
/// Which adapter carries each journey channel, and the adapters' settings (<c>PrivateFlows:Channels</c>).
/// Every channel goes to the sandbox unless routed elsewhere, so nothing leaves the machine by default.
/// Secrets (webhook secret, SMTP password, WeCom robot key) come from the environment or user secrets, never the repo.
/// </summary>
public sealed class ChannelOptions
{
    public const string Section = "PrivateFlows:Channels";

    /// <summary>Journey channel (<c>email</c>, <c>sms</c>, <c>app_push</c>, <c>wecom</c>, <c>miniprogram</c>, <c>webhook</c>) → adapter (<c>sandbox</c>, <c>webhook</c>, <c>smtp</c>, <c>wecom</c>).</summary>
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.Ordinal);

    public WebhookChannelOptions Webhook { get; set; } = new();

    public SmtpChannelOptions Smtp { get; set; } = new();

    public WeComChannelOptions WeCom { get; set; } = new();

    public string RouteOf(string channel) => Routes.TryGetValue(channel, out var via) && !string.IsNullOrWhiteSpace(via) ? via : Adapters.Sandbox;
}

/// <summary>The adapter names a route may use.</summary>
public static class Adapters
{
    public const string Sandbox = "sandbox";
    public const string Webhook = "webhook";
    public const string Smtp = "smtp";
    public const string WeCom = "wecom";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Sandbox, Webhook, Smtp, WeCom };
}
