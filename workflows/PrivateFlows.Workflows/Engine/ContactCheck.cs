namespace PrivateFlows.Workflows.Engine;

/// <summary>The arbiter's answer for one send: allowed, or blocked with the reason and when it could go instead.</summary>
public sealed record ContactCheck(bool Allowed, ContactBlock Block, string Reason, DateTimeOffset? RetryAt)
{
    public static readonly ContactCheck Ok = new(true, ContactBlock.None, "", null);
}

public enum ContactBlock { None, Consent, QuietHours, FrequencyCap }
