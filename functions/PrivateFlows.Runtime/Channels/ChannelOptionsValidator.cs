using Microsoft.Extensions.Options;

namespace PrivateFlows.Runtime.Channels;

/// <summary>Refuses to start with a route to an adapter that is not configured.</summary>
public sealed class ChannelOptionsValidator : IValidateOptions<ChannelOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        foreach (var (channel, via) in options.Routes)
        {
            if (!Adapters.All.Contains(via)) errors.Add($"Channels:Routes:{channel} = '{via}' is not an adapter (use {string.Join(", ", Adapters.All.Order(StringComparer.Ordinal))})");
        }

        var used = options.Routes.Values.ToHashSet(StringComparer.Ordinal);
        if (used.Contains(Adapters.Webhook))
        {
            var webhook = options.Webhook;
            if (webhook.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)) errors.Add("Channels:Webhook:Url must be an absolute http(s) URL");
            if (string.IsNullOrEmpty(webhook.Secret) || webhook.Secret.Length < 16) errors.Add("Channels:Webhook:Secret must be set (at least 16 characters) to sign webhook messages");
            if (webhook.TimeoutSeconds is < 1 or > 300) errors.Add("Channels:Webhook:TimeoutSeconds must be between 1 and 300");
            if (webhook.MaxRetries is < 0 or > 10) errors.Add("Channels:Webhook:MaxRetries must be between 0 and 10");
        }

        if (used.Contains(Adapters.Smtp))
        {
            if (string.IsNullOrWhiteSpace(options.Smtp.Host)) errors.Add("Channels:Smtp:Host must be set");
            if (string.IsNullOrWhiteSpace(options.Smtp.From)) errors.Add("Channels:Smtp:From must be set");
            if (options.Smtp.Port is < 1 or > 65535) errors.Add("Channels:Smtp:Port must be a TCP port");
        }

        if (used.Contains(Adapters.WeCom) && options.WeCom.WebhookUrl is not { IsAbsoluteUri: true })
        {
            errors.Add("Channels:WeCom:WebhookUrl must be the robot's absolute webhook URL");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
