using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Tests.Hardening;

/// <summary>
/// Overload is refused before memory grows without bound (issue #17, item 10). The backlog is made full
/// deterministically: the decider waits on a gate the test opens, so queued inputs stay queued.
/// </summary>
public sealed class BackpressureTests : IDisposable
{
    private static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();
    private readonly ManualResetEventSlim _gate = new();

    [Fact]
    public async Task AcceptAsync_BacklogFull_RefusesWithoutStoringAndAcceptsOnceItDrains()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("busy.db"), settings: new Dictionary<string, string?>
        {
            ["PrivateFlows:Processing:MaxBacklog"] = "2",
            ["PrivateFlows:Processing:BusyRetryAfter"] = "00:00:05",
        });
        Hold(engine.Processor);

        await engine.SendAsync(Events.Registered("a", engine.Now));
        await engine.SendAsync(Events.Registered("b", engine.Now));
        var refused = async () => await engine.SendAsync(Events.Registered("c", engine.Now));

        (await refused.Should().ThrowAsync<EngineBusyException>()).Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(5));
        (await engine.Store.ReadEventStatusAsync("reg-c")).Should().BeNull("a refused event is not stored: the producer sends it again");
        engine.Queues.Outstanding.Should().Be(2);

        _gate.Set();
        await engine.SettleAsync();
        (await engine.SendAsync(Events.Registered("c", engine.Now))).Duplicates.Should().BeEmpty();
        await engine.SettleAsync();
        (await engine.Store.ReadEventStatusAsync("reg-c")).Should().Be(EventStatus.Done);
    }

    [Fact]
    public async Task AcceptAsync_BatchLargerThanTheBacklogWhenIdle_IsTakenWhole()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("batch.db"), settings: new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxBacklog"] = "2" });

        var result = await engine.DeliverAsync(Events.Registered("a", engine.Now), Events.Registered("b", engine.Now), Events.Registered("c", engine.Now));

        result.Accepted.Should().HaveCount(3, "an empty backlog takes any batch, so every batch fits eventually");
        engine.Queues.Outstanding.Should().Be(0, "duplicates and posted inputs give their reserved room back");
        (await engine.SendAsync(Events.Registered("a", engine.Now))).Duplicates.Should().Equal("reg-a");
        engine.Queues.Outstanding.Should().Be(0);
    }

    [Fact]
    public async Task PostEvents_BacklogFull_Answers429WithRetryAfterAndTheContractSaysSo()
    {
        using var api = new ApiFactory().WithWebHostBuilder(b => b.UseSetting("PrivateFlows:Processing:MaxBacklog", "1"));
        var producer = api.CreateClient();
        producer.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.ProducerKey);
        Hold(api.Services.GetRequiredService<StepProcessor>());

        (await producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("lin")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        using var busy = await producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("wang")));

        busy.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        busy.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(2));
        (await busy.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>().Should().Be("Engine busy");
        _gate.Set();

        var openApi = (await api.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var responses = openApi["paths"]!["/api/events"]!["post"]!["responses"]!.AsObject();
        responses.Should().ContainKey("429");
        responses["429"]!["headers"]!.AsObject().Should().ContainKey("Retry-After");
    }

    /// <summary>Every decision waits until the test opens the gate (bounded, so a failing test cannot hang).</summary>
    private void Hold(StepProcessor processor)
    {
        var decide = processor.Decide;
        processor.Decide = (state, input, context) =>
        {
            _gate.Wait(GateTimeout);
            return decide(state, input, context);
        };
    }

    public void Dispose()
    {
        _gate.Set();
        _gate.Dispose();
        _folder.Dispose();
    }
}
