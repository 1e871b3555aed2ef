using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Timers;

/// <summary>
/// The timer index read in pages from a cursor: every due timer exactly once, oldest first, nothing due later, and
/// when to look again once nothing more is due.
/// </summary>
public sealed class DueTimerPageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private readonly TempFolder _folder = new();
    private SqliteJourneyStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = _folder.File("pages.db") }), new FakeTimeProvider(At));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private async Task ScheduleAsync(string customer, params (string Id, DateTimeOffset Due)[] timers)
    {
        var document = await _store.CommitStepAsync(new StepCommit(CustomerDocument.New(customer), 0));
        var effects = timers.Select(t => (Effect)new ScheduleTimer(t.Id, customer, t.Id, "i-" + customer, t.Due)).ToList();
        await _store.CompleteEffectsAsync(document with { PendingEffects = [.. effects] }, effects, [], At);
    }

    [Fact]
    public async Task ReadDueTimersAsync_PagedFromCursor_ReturnsEachDueTimerOnceInDueOrder()
    {
        // Many timers at one instant (a whole time zone at 20:00), written in an order unlike their ids.
        var burst = At.AddMinutes(1);
        foreach (var i in new[] { 7, 3, 9, 1, 5, 0, 8, 2, 6, 4 }) await ScheduleAsync($"c{i}", ($"t{i}", burst));
        await ScheduleAsync("early", ("t-early", At));
        await ScheduleAsync("later", ("t-later", At.AddMinutes(2)));
        await ScheduleAsync("future", ("t-future", At.AddHours(1)));

        var now = At.AddMinutes(2);
        var read = new List<DueTimer>();
        TimerCursor? cursor = null;
        var pages = 0;
        while (true)
        {
            var page = await _store.ReadDueTimersAsync(now, cursor, 3);
            pages++;
            read.AddRange(page.Timers);
            cursor = page.Next ?? cursor;
            if (page.Timers.Count < 3)
            {
                page.NextDueAt.Should().Be(At.AddHours(1), "the earliest timer due after now is when to look again");
                break;
            }

            page.NextDueAt.Should().BeNull("a full page says nothing about later timers");
            pages.Should().BeLessThan(10);
        }

        read.Select(t => t.TimerId).Should().OnlyHaveUniqueItems().And.HaveCount(12).And.NotContain("t-future");
        read.Select(t => t.DueAt).Should().BeInAscendingOrder();
        read[0].TimerId.Should().Be("t-early");
        read[^1].TimerId.Should().Be("t-later");
        pages.Should().Be(5, "12 due timers in four full pages of 3, then an empty one");
    }

    [Fact]
    public async Task ReadDueTimersAsync_CursorSetBackBeforeAnInstant_ReadsThatInstantAgain()
    {
        var burst = At.AddMinutes(1);
        await ScheduleAsync("a", ("ta", burst));
        await ScheduleAsync("b", ("tb", burst));
        var first = await _store.ReadDueTimersAsync(burst, null, 10);
        first.Timers.Should().HaveCount(2);

        (await _store.ReadDueTimersAsync(burst, first.Next, 10)).Timers.Should().BeEmpty("everything up to the cursor was read");
        (await _store.ReadDueTimersAsync(burst, TimerCursor.Before(burst), 10)).Timers.Select(t => t.TimerId).Should().BeEquivalentTo("ta", "tb");
        (await _store.ReadDueTimersAsync(burst.AddTicks(-1), null, 10)).Timers.Should().BeEmpty("nothing is due before the instant");
    }
}
