using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Hardening;

/// <summary>
/// A marketer-chosen webhook URL receives requests signed with the shared secret, so it may only go to allowed hosts,
/// over HTTPS, at public addresses (issue #17, item 9). The receiver runs on loopback, which is exactly what the guard refuses
/// unless the host is listed exactly.
/// </summary>
public sealed class WebhookDestinationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void IsPublic_Address_RefusesLoopbackPrivateLinkLocalAndMetadata(string address, bool expected) =>
        WebhookDestinations.IsPublic(IPAddress.Parse(address)).Should().Be(expected);

    [Fact]
    public async Task SendAsync_JourneyUrlWithoutAllowedHosts_IsRecordedAsRefusedAndNothingIsSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(receiver, allowedHosts: []);

        var record = await services.GetRequiredService<ChannelRouter>().SendAsync(Call(receiver.Url), CancellationToken.None);

        record.Status.Should().Be(DeliveryStatus.Failed);
        record.Detail.Should().Be("refused: 127.0.0.1 is not in Channels:Webhook:AllowedHosts");
        (await services.GetRequiredService<IJourneyStore>().ReadMessageAsync("inst-1/4/webhook"))!.Detail.Should().StartWith("refused:", "a refused send is recorded with the reason");
        receiver.TotalRequests.Should().Be(0);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*.0.0.1")]
    public async Task DeliverAsync_WildcardAllowedHostResolvingToLoopback_IsRefusedAfterResolution(string pattern)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(receiver, allowedHosts: [pattern]);
        var url = new UriBuilder(receiver.Url) { Host = pattern == "*" ? "localhost" : "127.0.0.1" }.Uri; // a name and a literal, both loopback

        var delivery = await Webhook(services).DeliverAsync(Call(url), CancellationToken.None);

        delivery.Delivered.Should().BeFalse();
        delivery.Detail.Should().StartWith($"refused: {url.Host} resolves to the non-public address");
        receiver.TotalRequests.Should().Be(0);
    }

    [Fact]
    public async Task DeliverAsync_MetadataAddress_IsRefusedWithoutConnecting()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(receiver, allowedHosts: ["*"]);

        var delivery = await Webhook(services).DeliverAsync(Call(new Uri("http://169.254.169.254/latest/meta-data/")), CancellationToken.None);

        delivery.Detail.Should().Be("refused: 169.254.169.254 resolves to the non-public address 169.254.169.254 (list the host exactly in Channels:Webhook:AllowedHosts to allow it)");
        delivery.Attempts.Should().Be(0);
    }

    [Fact]
    public async Task DeliverAsync_PlainHttpWithoutAllowHttp_IsRefused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(receiver, allowedHosts: ["127.0.0.1"], allowHttp: false);

        var delivery = await Webhook(services).DeliverAsync(Call(receiver.Url), CancellationToken.None);

        delivery.Detail.Should().StartWith("refused: 127.0.0.1 over plain HTTP");
        receiver.TotalRequests.Should().Be(0);
    }

    [Fact]
    public async Task DeliverAsync_HostListedExactly_IsDeliveredEvenOnLoopback()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(receiver, allowedHosts: ["127.0.0.1"]);

        var delivery = await Webhook(services).DeliverAsync(Call(receiver.Url), CancellationToken.None);

        delivery.Delivered.Should().BeTrue(delivery.Detail);
        receiver.Delivered.Should().ContainKey("inst-1/4/webhook");
    }

    [Fact]
    public async Task DeliverAsync_OperatorsConfiguredUrl_IsTrustedAsConfigured()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var services = Services(receiver, allowedHosts: [], allowHttp: false, operatorUrl: receiver.Url);

        var delivery = await Webhook(services).DeliverAsync(
            new OutgoingMessage("inst-1/3/send", "c1", "inst-1", "onboarding", "welcome", "webhook", "marketing", "t", "zh-CN", "s", "b", "lin@example.com"),
            CancellationToken.None);

        delivery.Delivered.Should().BeTrue(delivery.Detail);
    }

    [Fact]
    public async Task ConnectAsync_NonPublicAddressNotAllowedForTheRequest_RefusesTheConnection()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectCallback = WebhookDestinations.ConnectAsync });

        // What a name that resolved to a public address at the check and to loopback at the connection (DNS rebinding) meets.
        var refused = async () => await http.PostAsync(receiver.Url, new StringContent("{}"));
        using var allowed = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent("{}") };
        allowed.Options.Set(WebhookDestinations.NonPublicAllowed, true);

        (await refused.Should().ThrowAsync<HttpRequestException>()).Which.ToString().Should().Contain("refused: 127.0.0.1 resolves to the non-public address 127.0.0.1");
        (await http.SendAsync(allowed)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "connected: the receiver refuses the unsigned body");
        receiver.BadSignatures.Should().Be(1);
    }

    private static OutgoingMessage Call(Uri url) =>
        new("inst-1/4/webhook", "c1", "inst-1", null, null, "webhook", null, null, null, null, "{\"hello\":1}", url.ToString(), url);

    private static WebhookChannel Webhook(IServiceProvider services) => services.GetServices<IMessageChannel>().OfType<WebhookChannel>().Single();

    private ServiceProvider Services(WebhookReceiver receiver, string[] allowedHosts, bool allowHttp = true, Uri? operatorUrl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PrivateFlows:Sqlite:Path"] = _folder.File($"{Guid.NewGuid():N}.db"),
            ["PrivateFlows:Channels:Routes:webhook"] = "webhook",
            // The operator's own URL: another port on loopback, so journey URLs to the receiver are not "the configured URL".
            ["PrivateFlows:Channels:Webhook:Url"] = (operatorUrl ?? new UriBuilder(receiver.Url) { Port = receiver.Url.Port == 1 ? 2 : 1 }.Uri).ToString(),
            ["PrivateFlows:Channels:Webhook:Secret"] = receiver.Secret,
            ["PrivateFlows:Channels:Webhook:MaxRetries"] = "0",
            ["PrivateFlows:Channels:Webhook:AllowHttp"] = allowHttp ? "true" : "false",
        };
        for (var i = 0; i < allowedHosts.Length; i++) settings[$"PrivateFlows:Channels:Webhook:AllowedHosts:{i}"] = allowedHosts[i];
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddPrivateFlowsRuntime(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).UseSqlite();
        return services.BuildServiceProvider();
    }

    public void Dispose() => _folder.Dispose();
}
