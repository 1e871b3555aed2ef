using System.Text.Json.Nodes;
using PrivateFlows.Cli;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Cli;

/// <summary>
/// The CLI against a running host: <c>publish</c>, <c>customer</c>, <c>instance</c> and <c>events send</c> through
/// <see cref="CliApp.Run(string[], TextWriter, TextWriter, HttpMessageHandler?)"/>, with the in-memory host as transport.
/// </summary>
public sealed class HostCliTests : IDisposable
{
    /// <summary>Before the onboarding example's first event (2025-03-03 20:15 in Shanghai).</summary>
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private readonly VirtualClockHost _host = new(Start, withKeys: true);
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        _host.Dispose();
        _folder.Dispose();
    }

    private sealed record Run(int Exit, string Out, string Error)
    {
        public JsonNode Json => JsonNode.Parse(Out)!;
    }

    private async Task<Run> CliAsync(params string[] args)
    {
        var transport = _host.Server.CreateHandler();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        // The CLI blocks on its own async work: run it off the test's synchronisation context, as a process would.
        var exit = await Task.Run(() => CliApp.Run([.. args, "--url", "http://localhost"], stdout, stderr, transport));
        return new Run(exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    private static string Example(string file) => Path.Combine(Paths.Repository, "workflows", "journeys", "examples", file);

    [Fact]
    public async Task Events_sent_on_the_virtual_clock_move_the_customer_through_onboarding_to_the_goal()
    {
        var sent = await CliAsync("events", "send", Example("onboarding.events.jsonl"), "--clock", "virtual", "--key", ApiFactory.ProducerKey, "--ops-key", ApiFactory.OpsKey);

        sent.Exit.Should().Be(0, sent.Error);
        sent.Out.Should().Contain("evt-onb-0001").And.Contain("order.completed").And.Contain("2 accepted, 0 duplicate(s), 0 rejected");
        sent.Out.Should().Contain("virtual clock at 2025-03-06 13:42:10Z", "the clock stands at the last event");
        sent.Out.Should().MatchRegex(@"│ 2\s+│ 2025-03-06 13:42Z\s+│ 2\s+│", "the coupon (day 1) and tips (day 3) timers fired before the order");

        var customer = await CliAsync("customer", "cust-10001", "--messages", "--key", ApiFactory.OpsKey);
        customer.Exit.Should().Be(0, customer.Error);
        customer.Out.Should().Contain("林晓").And.Contain("Asia/Shanghai").And.Contain("onboarding").And.Contain("ended (converted)");
        customer.Out.Should().Contain("onboarding-coupon").And.Contain("FIRST20-", "the day-1 coupon message, rendered");

        var json = (await CliAsync("customer", "cust-10001", "--json", "--key", ApiFactory.OpsKey)).Json;
        var onboarding = json["instances"]!.AsArray().Single(i => i!["journey"]!.GetValue<string>() == "onboarding")!;
        onboarding["outcome"]!.GetValue<string>().Should().Be("converted");
        var instanceId = onboarding["instanceId"]!.GetValue<string>();

        var instance = await CliAsync("instance", instanceId, "--key", ApiFactory.OpsKey);
        instance.Exit.Should().Be(0, instance.Error);
        instance.Out.Should().StartWith($"{instanceId} — onboarding for cust-10001: ended (converted)");
        var kinds = new[] { "entered", "sent", "waiting", "waited", "branched", "action", "goal_reached" };
        foreach (var kind in kinds) instance.Out.Should().Contain($" {kind} ");
        instance.Out.Should().Contain("2025-03-04 12:15Z", "the day-1 timer fired at its due time");

        var history = (await CliAsync("instance", instanceId, "--json", "--key", ApiFactory.OpsKey)).Json["history"]!.AsArray();
        history[^1]!["kind"]!.GetValue<string>().Should().Be("goal_reached");
        history.Select(h => h!["kind"]!.GetValue<string>()).Should().ContainInOrder("entered", "sent", "waiting", "waited", "action", "sent", "waiting", "waited", "goal_reached");
    }

    [Fact]
    public async Task Events_send_reports_duplicates_and_rejected_lines_and_exits_1()
    {
        var file = _folder.File("events.jsonl");
        File.WriteAllLines(file,
        [
            """{"specversion":"1.0","id":"e-1","type":"app.opened","source":"t","subject":"c-9","time":"2025-03-03T02:00:00Z","data":{}}""",
            "",
            """{"specversion":"1.0","id":"e-1","type":"app.opened","source":"t","subject":"c-9","time":"2025-03-03T02:00:00Z","data":{}}""",
            """{"specversion":"1.0","id":"e-2","type":"order.completed","source":"t","subject":"c-9","data":{"amount":"a lot"}}""",
        ]);

        var run = await CliAsync("events", "send", file, "--key", ApiFactory.ProducerKey);

        run.Exit.Should().Be(1);
        run.Out.Should().Contain("1 accepted, 1 duplicate(s), 1 rejected");
        run.Out.Should().Contain("rejected: POST").And.Contain("400");
        var json = (await CliAsync("events", "send", file, "--key", ApiFactory.ProducerKey, "--json")).Json["events"]!.AsArray();
        json.Select(e => e!["status"]!.GetValue<string>()).Should().Equal("duplicate", "duplicate", "rejected");
        json.Select(e => e!["line"]!.GetValue<int>()).Should().Equal(1, 3, 4);
    }

    [Fact]
    public async Task Publish_sends_the_journey_with_its_templates_and_says_whether_the_version_is_new()
    {
        var created = await Task.Run(() => CliApp.Run(["new", "cli-hello", "--dir", _folder.Path], TextWriter.Null, TextWriter.Null));
        created.Should().Be(0);
        var path = _folder.File("cli-hello.yaml");

        var first = await CliAsync("publish", path, "--key", ApiFactory.MarketerKey);
        first.Exit.Should().Be(0, first.Error);
        first.Out.Should().Contain("cli-hello").And.Contain("published as a new version");

        var again = await CliAsync("publish", path, "--key", ApiFactory.MarketerKey, "--json");
        again.Exit.Should().Be(0, again.Error);
        again.Json["created"]!.GetValue<bool>().Should().BeFalse();
        again.Json["number"]!.GetValue<int>().Should().Be(1);

        using var marketer = _host.Client(ApiFactory.MarketerKey);
        var detail = JsonNode.Parse(await marketer.GetStringAsync("/api/journeys/cli-hello"))!;
        detail["versions"]![0]!["templates"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Contain(t => t.StartsWith("cli-hello", StringComparison.Ordinal));

        File.AppendAllText(path, "\n# a comment makes new content\n");
        (await CliAsync("publish", path, "--key", ApiFactory.MarketerKey, "--json")).Json["number"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Problems_from_the_host_are_reported_on_stderr()
    {
        var wrongRole = await CliAsync("customer", "cust-10001", "--key", ApiFactory.ProducerKey);
        wrongRole.Exit.Should().Be(2);
        wrongRole.Error.Should().Contain("403").And.Contain("Wrong role");

        var missing = await CliAsync("instance", "no-such-instance", "--key", ApiFactory.OpsKey);
        missing.Exit.Should().Be(1);
        missing.Error.Should().Contain("404").And.Contain("no instance 'no-such-instance'");

        var invalid = _folder.File("broken.yaml");
        File.WriteAllText(invalid, "journey: broken\nentry:\n  event: app.opened\nsteps:\n  - id: a\n    wait: 1d\n    next: nowhere\n");
        var refused = await CliAsync("publish", invalid, "--key", ApiFactory.MarketerKey);
        refused.Exit.Should().Be(1);
        refused.Error.Should().Contain("PF0004");
    }

    [Fact]
    public async Task Events_send_on_the_virtual_clock_refuses_a_host_on_the_real_clock()
    {
        using var real = new ApiFactory();
        var transport = real.Server.CreateHandler();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Task.Run(() => CliApp.Run(["events", "send", Example("onboarding.events.jsonl"), "--clock", "virtual", "--key", ApiFactory.OpsKey], stdout, stderr, transport));

        exit.Should().Be(1);
        stderr.ToString().Should().Contain("409").And.Contain("real clock");
    }
}
