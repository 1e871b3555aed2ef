using MailKit.Security;

namespace PrivateFlows.Runtime.Channels;

/// <summary>SMTP submission via MailKit.</summary>
public sealed class SmtpChannelOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Sender address, e.g. <c>hello@shop.example</c>.</summary>
    public string? From { get; set; }

    public string? FromName { get; set; }

    public int MaxRetries { get; set; } = 3;
}
