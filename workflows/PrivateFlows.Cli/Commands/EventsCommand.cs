using System.CommandLine;
using Spectre.Console;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Cli.Commands;

/// <summary>
/// <c>events send &lt;file.jsonl&gt;</c>: posts CloudEvents (one JSON object per line) to a running host, one by one.
/// With <c>--clock virtual</c> (a host started with <c>--clock virtual</c>) the events go in time order and the host's
/// clock is advanced to each event's time first, firing the timers due on the way — the host replays the timeline as
/// <c>privateflows simulate</c> does.
/// </summary>
internal static class EventsCommand
{
    public static Command Create(CliOutput output, HttpMessageHandler? transport)
    {
        var host = new HostConnection(transport);
        var file = new Argument<string>("events") { Description = "CloudEvents, one JSON object per line (.jsonl)" };
        var clock = new Option<string>("--clock") { Description = "real (default): post as is; virtual: advance the host's virtual clock to each event's time first", DefaultValueFactory = _ => "real" };
        clock.AcceptOnlyFromAmong("real", "virtual");
        var opsKey = new Option<string?>("--ops-key") { Description = "key with the ops role for advancing the clock (default: --key)" };
        var send = new Command("send", "Post events from a JSON-lines file (POST /api/events; producer key)") { file, clock, opsKey };
        host.AddTo(send);
        send.SetAction((parse, ct) => HostConnection.RunAsync(output, () =>
            RunAsync(parse, host, parse.GetValue(file)!, parse.GetValue(clock) == "virtual", parse.GetValue(opsKey), output, ct)));
        return new Command("events", "Send events to a running host") { send };
    }

    private sealed record Line(int Number, JsonObject Event, DateTimeOffset? Time);

    private static async Task<int> RunAsync(ParseResult parse, HostConnection host, string path, bool virtualClock, string? opsKey, CliOutput output, CancellationToken ct)
    {
        var lines = Read(path);
        if (virtualClock)
        {
            // Time order, as the simulator reads a timeline; an event without a time keeps its place after the one before it.
            DateTimeOffset? last = null;
            lines = [.. lines.Select(l => (l, key: last = l.Time ?? last)).OrderBy(x => x.key ?? DateTimeOffset.MinValue).Select(x => x.l)];
        }

        using var client = host.Client(parse);
        using var clockClient = virtualClock && opsKey is not null ? host.Client(parse, opsKey) : null;
        var clockHost = clockClient ?? client;
        DateTimeOffset? now = null;
        var timersFired = 0;
        if (virtualClock)
        {
            var clockView = await HostConnection.GetAsync(clockHost, "api/clock", ct).ConfigureAwait(false);
            now = clockView?["now"]?.GetValue<DateTimeOffset>();
        }

        var results = new JsonArray();
        var rejected = 0;
        foreach (var line in lines)
        {
            var result = new JsonObject
            {
                ["line"] = line.Number,
                ["id"] = line.Event["id"]?.DeepClone(),
                ["type"] = line.Event["type"]?.DeepClone(),
                ["subject"] = line.Event["subject"]?.DeepClone(),
                ["time"] = line.Event["time"]?.DeepClone(),
            };
            if (virtualClock && line.Time is { } past && now is { } clockNow && past < clockNow) result["late"] = true;
            if (virtualClock && line.Time is { } at && (now is null || at > now))
            {
                var advanced = await HostConnection.PostJsonAsync(clockHost, "api/clock/advance", new JsonObject { ["to"] = at.ToString("o", CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);
                now = advanced?["now"]?.GetValue<DateTimeOffset>() ?? at;
                var fired = advanced?["timersFired"]?.GetValue<int>() ?? 0;
                timersFired += fired;
                result["timersFired"] = fired;
            }

            try
            {
                var answer = await HostConnection.PostJsonAsync(client, "api/events", line.Event, ct, "application/cloudevents+json").ConfigureAwait(false);
                var duplicate = answer?["duplicates"] is JsonArray d && d.Count > 0;
                result["status"] = duplicate ? "duplicate" : "accepted";
            }
            catch (CliException e) when (e.Status is 400 or 413 or 415)
            {
                rejected++;
                result["status"] = "rejected";
                result["error"] = e.Message;
            }

            results.Add(result);
        }

        if (virtualClock && now is { } end)
        {
            // Advancing to where the clock stands fires nothing new but answers only once everything the events caused is committed.
            await HostConnection.PostJsonAsync(clockHost, "api/clock/advance", new JsonObject { ["to"] = end.ToString("o", CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);
        }

        if (parse.GetValue(host.Json))
        {
            var summary = new JsonObject { ["events"] = results };
            if (virtualClock) summary["clock"] = new JsonObject { ["now"] = now?.ToString("o", CultureInfo.InvariantCulture), ["timersFired"] = timersFired };
            HostConnection.WriteJson(output, summary);
            return rejected == 0 ? 0 : 1;
        }

        var console = HostConnection.Console(output);
        var columns = virtualClock ? new[] { "line", "time (UTC)", "timers fired", "id", "type", "subject", "result" } : ["line", "time (UTC)", "id", "type", "subject", "result"];
        var table = HostConnection.Table(null, columns);
        foreach (var r in results.OfType<JsonObject>())
        {
            var cells = new List<string?> { HostConnection.Text(r["line"]), r["time"] is null ? "(now)" : HostConnection.Time(r["time"]) };
            if (virtualClock) cells.Add(HostConnection.Text(r["timersFired"]) ?? "");
            var status = r["error"] is { } error ? $"rejected: {HostConnection.Text(error)}" : HostConnection.Text(r["status"]);
            if (r["late"] is not null) status += " (late)";
            cells.AddRange([HostConnection.Text(r["id"]), HostConnection.Text(r["type"]), HostConnection.Text(r["subject"]), status]);
            HostConnection.Row(table, [.. cells]);
        }

        console.Write(table);
        var accepted = results.Count(r => HostConnection.Text(r?["status"]) == "accepted");
        var duplicates = results.Count(r => HostConnection.Text(r?["status"]) == "duplicate");
        console.WriteLine($"{accepted} accepted, {duplicates} duplicate(s), {rejected} rejected"
            + (virtualClock ? $"; virtual clock at {now?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, {timersFired} timer(s) fired on the way" : ""));
        var late = results.Count(r => r?["late"] is not null);
        if (late > 0)
        {
            console.WriteLine($"{late} event(s) were earlier than the virtual clock: the host decided them at the clock's time, not their own. To replay a timeline at its own times, start the host with --clock virtual --clock-start <the first event's time> on a new database.");
        }

        return rejected == 0 ? 0 : 1;
    }

    private static List<Line> Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: no such file");
        var lines = new List<Line>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                throw new CliException($"{path}:{number}: malformed JSON: {e.Message}");
            }

            if (node is not JsonObject o) throw new CliException($"{path}:{number}: an event must be a JSON object");
            DateTimeOffset? time = null;
            if (o["time"] is JsonValue v && v.TryGetValue<string>(out var t))
            {
                if (!DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) throw new CliException($"{path}:{number}: time: '{t}' is not an RFC 3339 timestamp");
                time = parsed.ToUniversalTime();
            }

            lines.Add(new Line(number, o, time));
        }

        return lines;
    }
}
