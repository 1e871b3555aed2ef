using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Hardening;

/// <summary>Ops can send a parked input through again after a fix (issue #17, item 11).</summary>
public sealed class PoisonRetryTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private volatile bool _broken = true;

    [Fact]
    public async Task RetryAsync_AfterTheFix_ProcessesTheEventOnceAndMarksItResolved()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("retry.db"));
        Break(engine.Processor);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        await engine.DeliverAsync(Events.Order("c1", engine.Now, "bad-1"));
        (await engine.Store.ReadEventStatusAsync("bad-1")).Should().Be(EventStatus.Poison);
        (await engine.SendAsync(Events.Order("c1", engine.Now, "bad-1"))).Duplicates.Should().Equal(["bad-1"], "posting the id again is refused as a duplicate");
        var retry = engine.Services.GetRequiredService<PoisonRetry>();

        _broken = false; // the fix
        var result = await retry.RetryAsync("bad-1", "test");

        result.Status.Should().Be(PoisonRetryStatus.Done);
        result.Result.Should().Be(StepResult.Processed);
        result.Poison!.Status.Should().Be(PoisonStatus.Resolved);
        result.Poison.Retries.Should().Be(1);
        result.Poison.ResolvedAt.Should().Be(engine.Now);
        (await engine.Store.ReadEventStatusAsync("bad-1")).Should().Be(EventStatus.Done);
        (await engine.CustomerAsync("c1")).ProcessedInputs.Should().Contain("e:bad-1");
        (await engine.Store.ReadStatusAsync()).Poison.Should().Be(0, "a resolved input is no longer counted as poison");

        (await retry.RetryAsync("bad-1", "test")).Status.Should().Be(PoisonRetryStatus.NotParked, "it ran once; a second retry is refused");
        (await retry.RetryAsync("nothing-here", "test")).Status.Should().Be(PoisonRetryStatus.NotFound);
    }

    [Fact]
    public async Task RetryAsync_StillBroken_ParksItAgainWithTheNewAttemptsAndCountsTheRetry()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("again.db"));
        Break(engine.Processor);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now), Events.Order("c1", engine.Now, "bad-1"));

        var result = await engine.Services.GetRequiredService<PoisonRetry>().RetryAsync("bad-1", "test");

        result.Result.Should().Be(StepResult.Parked);
        result.Reason.Should().Be("InvalidOperationException: still broken");
        result.Poison!.Status.Should().Be(PoisonStatus.Parked);
        result.Poison.Retries.Should().Be(1);
        result.Poison.Attempts.Should().Be(6, "three attempts when it came in, three on the retry");
        (await engine.Store.ReadEventStatusAsync("bad-1")).Should().Be(EventStatus.Poison);
    }

    [Fact]
    public async Task RetryAsync_ParkedTimer_FiresItOnceMoreAndTheJourneyMovesOn()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("timer.db"));
        engine.Processor.Decide = (state, input, context) =>
            _broken && input is TimerFired ? throw new InvalidOperationException("timer broken") : CustomerDecider.Decide(state, input, context);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var before = (await engine.CustomerAsync("c1")).State.Instances.Single(i => i.Journey == "onboarding").StepId;
        await engine.AdvanceAsync(TimeSpan.FromDays(1));
        var parked = (await engine.Store.ReadPoisonAsync(10)).Should().ContainSingle().Subject;
        parked.Kind.Should().Be("timer");

        _broken = false;
        var result = await engine.Services.GetRequiredService<PoisonRetry>().RetryAsync(parked.InputId, "test");
        await engine.SettleAsync();

        result.Result.Should().Be(StepResult.Processed);
        result.Poison!.Status.Should().Be(PoisonStatus.Resolved);
        (await engine.CustomerAsync("c1")).State.Instances.Single(i => i.Journey == "onboarding").StepId.Should().NotBe(before, "the fired timer moved the journey on");
    }

    [Fact]
    public async Task PostRetry_OpsOnly_404Unknown_200ThenResolvedInTheList_409Twice()
    {
        using var api = new ApiFactory();
        var ops = api.Client(ApiFactory.OpsKey);
        var producer = api.Client(ApiFactory.ProducerKey);
        Break(api.Services.GetRequiredService<StepProcessor>());
        (await producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("lin")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Order("lin", "bad-1", 99)))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await api.IdleAsync();

        (await producer.PostAsync("/api/poison/bad-1/retry", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ops.PostAsync("/api/poison/nothing-here/retry", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        _broken = false;
        using var retried = await ops.PostAsync("/api/poison/bad-1/retry", null);
        retried.StatusCode.Should().Be(HttpStatusCode.OK);
        (await retried.Content.ReadFromJsonAsync<JsonObject>())!["result"]!.GetValue<string>().Should().Be("processed");

        var listed = (await ops.GetFromJsonAsync<JsonArray>("/api/poison"))!.Single(p => p!["inputId"]!.GetValue<string>() == "bad-1")!;
        listed["status"]!.GetValue<string>().Should().BeOneOf("resolved", "Resolved");
        listed["retries"]!.GetValue<int>().Should().Be(1);
        (await ops.PostAsync("/api/poison/bad-1/retry", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    /// <summary>Orders fail while <see cref="_broken"/> is set (the bug ops waits to be fixed before retrying).</summary>
    private void Break(StepProcessor processor) =>
        processor.Decide = (state, input, context) =>
            _broken && input is EventReceived { Event.Type: EventTypes.OrderCompleted }
                ? throw new InvalidOperationException("still broken")
                : CustomerDecider.Decide(state, input, context);

    public void Dispose() => _folder.Dispose();
}
