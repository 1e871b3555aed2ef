using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly;
using Polly.Registry;

namespace PrivateFlows.Runtime.Channels;

/// <summary>
/// Email over SMTP with MailKit. The Message-Id derives from the effect id, so a re-sent email after a crash
/// carries the same id and receiving systems can drop the duplicate. Retries with backoff via a Polly pipeline.
/// </summary>
public sealed class SmtpEmailChannel(IOptionsMonitor<ChannelOptions> options, ResiliencePipelineProvider<string> pipelines) : IMessageChannel
{
    public const string PipelineName = "privateflows-smtp";

    public string Name => Adapters.Smtp;

    public async Task<Delivery> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue.Smtp;
        if (string.IsNullOrWhiteSpace(message.Address)) return new Delivery(false, "the customer has no email address", 0);
        var mail = Compose(message, settings);
        var attempts = 0;
        await pipelines.GetPipeline(PipelineName).ExecuteAsync(async token =>
        {
            attempts++;
            using var client = new SmtpClient();
            await client.ConnectAsync(settings.Host ?? throw new InvalidOperationException("Channels:Smtp:Host is not set"), settings.Port, settings.Security, token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(settings.UserName)) await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", token).ConfigureAwait(false);
            await client.SendAsync(mail, token).ConfigureAwait(false);
            await client.DisconnectAsync(true, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return new Delivery(true, $"accepted by {settings.Host}", attempts);
    }

    public static MimeMessage Compose(OutgoingMessage message, SmtpChannelOptions settings)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settings);
        var mail = new MimeMessage();
        mail.From.Add(new MailboxAddress(settings.FromName ?? "", settings.From ?? throw new InvalidOperationException("Channels:Smtp:From is not set")));
        mail.To.Add(MailboxAddress.Parse(message.Address ?? throw new InvalidOperationException("the message has no address")));
        mail.Subject = message.Subject ?? "";
        mail.MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.EffectId)))[..32]}@privateflows";
        mail.Headers.Add("X-PrivateFlows-Effect", message.EffectId);
        mail.Body = new TextPart("plain") { Text = message.Body };
        return mail;
    }
}
