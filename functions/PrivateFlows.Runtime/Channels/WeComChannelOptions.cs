namespace PrivateFlows.Runtime.Channels;

/// <summary>WeCom (企业微信) group robot: messages are posted to the robot's webhook as markdown.</summary>
public sealed class WeComChannelOptions
{
    /// <summary>The robot's webhook URL, including its <c>key</c> (a secret: set it in the environment).</summary>
    public Uri? WebhookUrl { get; set; }
}
