using System.Text;
using System.Text.Json.Nodes;
using MailKit.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Channels;

public sealed class ChannelTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static OutgoingMessage Message(string effectId = "inst-1/3/send", string channel = "webhook", string? address = "lin@example.com") =>
        new(effectId, "c1", "inst-1", "onboarding", "welcome", channel, "marketing", "onboarding-welcome", "zh-CN", "欢迎", "林晓，你好！", address);

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["PrivateFlows:Sqlite:Path"] = _folder.File("channels.db");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddPrivateFlowsRuntime(configuration).UseSqlite();
        return services.BuildServiceProvider();
    }

    private static T Adapter<T>(IServiceProvider services) => services.GetServices<IMessageChannel>().OfType<T>().Single();

    [Fact]
    public async Task The_webhook_channel_signs_sends_the_effect_id_as_idempotency_key_and_retries_with_backoff()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(new()
        {
            ["PrivateFlows:Channels:Routes:webhook"] = "webhook",
            ["PrivateFlows:Channels:Webhook:Url"] = receiver.Url.ToString(),
            ["PrivateFlows:Channels:Webhook:Secret"] = receiver.Secret,
            ["PrivateFlows:Channels:Webhook:MaxRetries"] = "3",
        });
        receiver.FailNext(2);

        var delivery = await Adapter<WebhookChannel>(services).DeliverAsync(Message(), CancellationToken.None);

        delivery.Delivered.Should().BeTrue();
        delivery.Attempts.Should().Be(3, "two 503s, then success");
        receiver.BadSignatures.Should().Be(0);
        var body = JsonNode.Parse(receiver.Delivered["inst-1/3/send"])!;
        body["id"]!.GetValue<string>().Should().Be("inst-1/3/send");
        body["body"]!.GetValue<string>().Should().Be("林晓，你好！");
        body["customerId"]!.GetValue<string>().Should().Be("c1");
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_is_a_failed_delivery_not_an_exception()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(new()
        {
            ["PrivateFlows:Channels:Routes:webhook"] = "webhook",
            ["PrivateFlows:Channels:Webhook:Url"] = receiver.Url.ToString(),
            ["PrivateFlows:Channels:Webhook:Secret"] = receiver.Secret,
            ["PrivateFlows:Channels:Webhook:MaxRetries"] = "1",
        });
        receiver.FailNext(10);

        var record = await services.GetRequiredService<ChannelRouter>().SendAsync(Message(), CancellationToken.None);

        record.Status.Should().Be(DeliveryStatus.Failed);
        record.Detail.Should().Contain("503");
        record.Attempts.Should().Be(2);
        (await services.GetRequiredService<IJourneyStore>().ReadMessageAsync("inst-1/3/send"))!.Status.Should().Be(DeliveryStatus.Failed);
    }

    [Fact]
    public async Task A_message_already_delivered_is_not_sent_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(new()
        {
            ["PrivateFlows:Channels:Routes:webhook"] = "webhook",
            ["PrivateFlows:Channels:Webhook:Url"] = receiver.Url.ToString(),
            ["PrivateFlows:Channels:Webhook:Secret"] = receiver.Secret,
        });
        var router = services.GetRequiredService<ChannelRouter>();

        var first = await router.SendAsync(Message(), CancellationToken.None);
        var second = await router.SendAsync(Message(), CancellationToken.None);

        first.Status.Should().Be(DeliveryStatus.Delivered);
        second.Status.Should().Be(DeliveryStatus.Delivered);
        receiver.TotalRequests.Should().Be(1);
    }

    [Fact]
    public async Task Unrouted_channels_go_to_the_sandbox_and_reach_nobody()
    {
        await using var services = Services([]);
        var record = await services.GetRequiredService<ChannelRouter>().SendAsync(Message(channel: "sms"), CancellationToken.None);

        record.Via.Should().Be("sandbox");
        record.Status.Should().Be(DeliveryStatus.Sandboxed);
        record.Body.Should().Be("林晓，你好！");
    }

    [Fact]
    public async Task The_WeCom_robot_gets_markdown_and_its_errcode_decides_the_outcome()
    {
        var answers = new Queue<string>(["{\"errcode\":0,\"errmsg\":\"ok\"}", "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}"]);
        var received = new List<JsonNode>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var robot = builder.Build();
        robot.MapPost("/cgi-bin/webhook/send", async (HttpRequest request) =>
        {
            received.Add((await JsonNode.ParseAsync(request.Body))!);
            return Results.Content(answers.Dequeue(), "application/json");
        });
        await robot.StartAsync();
        await using var services = Services(new()
        {
            ["PrivateFlows:Channels:Routes:wecom"] = "wecom",
            ["PrivateFlows:Channels:WeCom:WebhookUrl"] = robot.Urls.First() + "/cgi-bin/webhook/send?key=test-key",
        });
        var channel = Adapter<WeComRobotChannel>(services);

        var ok = await channel.DeliverAsync(Message(channel: "wecom"), CancellationToken.None);
        var refused = await channel.DeliverAsync(Message("inst-1/4/send", "wecom"), CancellationToken.None);

        ok.Delivered.Should().BeTrue();
        refused.Delivered.Should().BeFalse();
        refused.Detail.Should().Contain("93000");
        received[0]["msgtype"]!.GetValue<string>().Should().Be("markdown");
        received[0]["markdown"]!["content"]!.GetValue<string>().Should().Be("**欢迎**\n林晓，你好！");
        var long_ = WeComRobotChannel.Payload(Message() with { Subject = null, Body = new string('好', 3000) });
        Encoding.UTF8.GetByteCount(long_["markdown"]!["content"]!.GetValue<string>()).Should().BeLessThanOrEqualTo(WeComRobotChannel.MaxContentBytes);
    }

    [Fact]
    public async Task Email_goes_over_SMTP_with_a_message_id_derived_from_the_effect_id()
    {
        using var smtp = new FakeSmtpServer();
        await using var services = Services(new()
        {
            ["PrivateFlows:Channels:Routes:email"] = "smtp",
            ["PrivateFlows:Channels:Smtp:Host"] = "127.0.0.1",
            ["PrivateFlows:Channels:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PrivateFlows:Channels:Smtp:Security"] = nameof(SecureSocketOptions.None),
            ["PrivateFlows:Channels:Smtp:From"] = "hello@shop.example",
        });
        var channel = Adapter<SmtpEmailChannel>(services);

        var delivery = await channel.DeliverAsync(Message(channel: "email"), CancellationToken.None);
        var noAddress = await channel.DeliverAsync(Message(channel: "email", address: null), CancellationToken.None);

        delivery.Delivered.Should().BeTrue();
        noAddress.Delivered.Should().BeFalse();
        var raw = smtp.Messages.Should().ContainSingle().Subject;
        raw.Should().Contain("To: lin@example.com").And.Contain("X-PrivateFlows-Effect: inst-1/3/send");
        var expectedId = SmtpEmailChannel.Compose(Message(channel: "email"), new SmtpChannelOptions { From = "hello@shop.example" }).MessageId;
        raw.Should().Contain($"Message-Id: <{expectedId}>");
    }

    [Theory]
    [InlineData("webhook", "webhook", null, "Channels:Webhook:Url")]
    [InlineData("email", "smtp", null, "Channels:Smtp:Host")]
    [InlineData("wecom", "wecom", null, "Channels:WeCom:WebhookUrl")]
    [InlineData("sms", "carrier-pigeon", null, "is not an adapter")]
    public void A_route_to_an_unconfigured_adapter_fails_validation(string channel, string via, string? _, string expected)
    {
        var options = new ChannelOptions { Routes = new() { [channel] = via } };
        var result = new ChannelOptionsValidator().Validate(null, options);
        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(expected);
    }

    [Fact]
    public async Task An_invalid_channel_setting_stops_the_host_at_start()
    {
        var act = async () => await EngineHarness.StartAsync(_folder.File("bad.db"), settings: new Dictionary<string, string?> { ["PrivateFlows:Channels:Routes:webhook"] = "webhook" });
        await act.Should().ThrowAsync<OptionsValidationException>().WithMessage("*Webhook:Url*");
    }
}
