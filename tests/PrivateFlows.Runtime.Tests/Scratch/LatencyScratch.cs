using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Tests.Scratch;

public sealed class LatencyScratch(ITestOutputHelper output)
{
    [Fact]
    public async Task Measure()
    {
        var start = new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
        using var host = new VirtualClockHost(start);
        using var client = host.Client();
        var w = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++) (await client.GetAsync("/api/clock")).EnsureSuccessStatusCode();
        output.WriteLine($"GET clock x100: {w.ElapsedMilliseconds} ms");
        w.Restart();
        for (var i = 0; i < 100; i++) await VirtualClockHost.AdvanceAsync(client, new JsonObject { ["by"] = "1s" });
        output.WriteLine($"advance 1s x100: {w.ElapsedMilliseconds} ms");
        var queues = host.Services.GetRequiredService<CustomerQueues>();
        w.Restart();
        for (var i = 0; i < 100; i++) await queues.WhenIdleAsync();
        output.WriteLine($"idle x100: {w.ElapsedMilliseconds} ms");
        w.Restart();
        for (var i = 0; i < 100; i++)
        {
            var e = new JsonObject { ["specversion"] = "1.0", ["id"] = $"x{i}", ["type"] = "app.opened", ["source"] = "t", ["subject"] = $"u{i % 10}", ["data"] = new JsonObject() };
            (await client.PostAsync("/api/events", CloudEvents.Json(e))).EnsureSuccessStatusCode();
        }
        output.WriteLine($"post x100: {w.ElapsedMilliseconds} ms");
        w.Restart();
        await queues.WhenIdleAsync();
        output.WriteLine($"idle after posts: {w.ElapsedMilliseconds} ms");
        w.Restart();
        for (var i = 0; i < 100; i++)
        {
            var e = new JsonObject { ["specversion"] = "1.0", ["id"] = $"y{i}", ["type"] = "app.opened", ["source"] = "t", ["subject"] = $"u{i % 10}", ["data"] = new JsonObject() };
            (await client.PostAsync("/api/events", CloudEvents.Json(e))).EnsureSuccessStatusCode();
            await queues.WhenIdleAsync();
        }
        output.WriteLine($"post+idle x100: {w.ElapsedMilliseconds} ms");
    }
}
