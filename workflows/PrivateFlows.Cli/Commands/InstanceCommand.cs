using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>instance &lt;instanceId&gt;</c>: an instance's state and its step-by-step history as a table (ops key).</summary>
internal static class InstanceCommand
{
    private const int PageSize = 1000;

    public static Command Create(CliOutput output, HttpMessageHandler? transport)
    {
        var host = new HostConnection(transport);
        var id = new Argument<string>("instanceId") { Description = "the instance id (see: privateflows customer <id>)" };
        var command = new Command("instance", "Show a journey instance's history, step by step (GET /api/instances/{id}; ops key)") { id };
        host.AddTo(command);
        command.SetAction((parse, ct) => HostConnection.RunAsync(output, () => RunAsync(parse, host, parse.GetValue(id)!, output, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, HostConnection host, string instanceId, CliOutput output, CancellationToken ct)
    {
        using var client = host.Client(parse);
        var path = $"api/instances/{Uri.EscapeDataString(instanceId)}";
        var first = await HostConnection.GetAsync(client, $"{path}?limit={PageSize}", ct).ConfigureAwait(false) as JsonObject
            ?? throw new CliException($"no instance '{instanceId}'");
        var history = (first["history"] as JsonArray)?.DeepClone() as JsonArray ?? [];
        var next = first["next"];
        while (next is JsonValue v && v.TryGetValue<long>(out var after))
        {
            var page = await HostConnection.GetAsync(client, $"{path}?after={after}&limit={PageSize}", ct).ConfigureAwait(false) as JsonObject;
            var entries = page?["history"] as JsonArray ?? [];
            if (entries.Count == 0) break;
            foreach (var entry in entries) history.Add(entry?.DeepClone());
            next = page?["next"];
        }

        first["history"] = history;
        first.Remove("next");
        if (parse.GetValue(host.Json))
        {
            HostConnection.WriteJson(output, first);
            return 0;
        }

        var instance = first["instance"] as JsonObject;
        var customerId = HostConnection.Text(first["customerId"]);
        var console = HostConnection.Console(output);
        var journey = HostConnection.Text(instance?["journey"]) ?? HostConnection.Text(history.FirstOrDefault()?["journey"]);
        var status = instance is null ? "ended (pruned from the customer)" : HostConnection.Text(instance["status"]);
        if (instance?["outcome"] is { } outcome) status = $"{status} ({HostConnection.Text(outcome)})";
        console.WriteLine($"{instanceId} — {journey} for {customerId}: {status}{(instance?["stepId"] is { } step ? $", at step {HostConnection.Text(step)}" : "")}");

        var table = HostConnection.Table(null, "time (UTC)", "kind", "step", "detail");
        foreach (var h in history.OfType<JsonObject>())
        {
            HostConnection.Row(table, HostConnection.Time(h["time"]), HostConnection.Text(h["kind"]), HostConnection.Text(h["step"]), HostConnection.Text(h["detail"]));
        }

        console.Write(table);
        return 0;
    }
}
