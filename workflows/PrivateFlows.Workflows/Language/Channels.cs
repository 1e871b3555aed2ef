namespace PrivateFlows.Workflows.Language;

public static class Channels
{
    public const string Email = "email";
    public const string AppPush = "app_push";
    public const string Sms = "sms";
    public const string WeCom = "wecom";
    public const string MiniProgram = "miniprogram";
    public const string Webhook = "webhook";

    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal)
    {
        Email, AppPush, Sms, WeCom, MiniProgram, Webhook,
    };
}
