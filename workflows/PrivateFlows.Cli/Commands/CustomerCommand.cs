using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>customer &lt;id&gt;</c>: a customer's profile and journey instances from a running host (ops key).</summary>
internal static class CustomerCommand
{
    public static Command Create(CliOutput output, HttpMessageHandler? transport)
    {
        var host = new HostConnection(transport);
        var id = new Argument<string>("customerId") { Description = "the customer id (the events' subject)" };
        var messages = new Option<bool>("--messages") { Description = "also list the messages sent to the customer" };
        var command = new Command("customer", "Show a customer's profile and journey instances (GET /api/customers/{id}; ops key)") { id, messages };
        host.AddTo(command);
        command.SetAction((parse, ct) => HostConnection.RunAsync(output, () => RunAsync(parse, host, parse.GetValue(id)!, parse.GetValue(messages), output, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, HostConnection host, string customerId, bool withMessages, CliOutput output, CancellationToken ct)
    {
        using var client = host.Client(parse);
        var path = $"api/customers/{Uri.EscapeDataString(customerId)}";
        var customer = await HostConnection.GetAsync(client, path, ct).ConfigureAwait(false) as JsonObject
            ?? throw new CliException($"no customer '{customerId}'");
        var sent = withMessages ? await HostConnection.GetAsync(client, path + "/messages", ct).ConfigureAwait(false) as JsonArray : null;
        if (parse.GetValue(host.Json))
        {
            if (sent is not null) customer["messages"] = sent.DeepClone();
            HostConnection.WriteJson(output, customer);
            return 0;
        }

        var profile = customer["profile"] as JsonObject ?? [];
        var zone = HostConnection.Text(profile["timeZone"]);
        var console = HostConnection.Console(output);

        var facts = HostConnection.Table($"customer {customerId}", "field", "value");
        HostConnection.Row(facts, "name", HostConnection.Text(profile["name"]));
        HostConnection.Row(facts, "locale / time zone", $"{HostConnection.Text(profile["locale"]) ?? "-"} / {zone ?? "-"}");
        HostConnection.Row(facts, "email / phone", $"{HostConnection.Text(profile["email"]) ?? "-"} / {HostConnection.Text(profile["phone"]) ?? "-"}");
        if (profile["birthday"] is { } birthday) HostConnection.Row(facts, "birthday", HostConnection.Text(birthday));
        if (profile["channels"] is JsonObject channels && channels.Count > 0)
        {
            HostConnection.Row(facts, "consent", string.Join(", ", channels.Select(c => $"{c.Key}: {Consent(c.Value)}")));
        }

        if (profile["tags"] is JsonArray tags && tags.Count > 0) HostConnection.Row(facts, "tags", string.Join(", ", tags.Select(HostConnection.Text)));
        if (profile["orders"] is JsonObject orders)
        {
            HostConnection.Row(facts, "orders", $"{HostConnection.Text(orders["count"]) ?? "0"} order(s), total {HostConnection.Text(orders["total"]) ?? "0"}{(orders["lastAt"] is { } last ? $", last {HostConnection.Time(last, zone)}" : "")}");
        }

        if (profile["points"] is { } points) HostConnection.Row(facts, "points / tier", $"{HostConnection.Text(points)} / {HostConnection.Text(profile["tier"]) ?? "-"}");
        HostConnection.Row(facts, "pending effects", HostConnection.Text(customer["pendingEffects"]));
        console.Write(facts);

        var instances = HostConnection.Table("journey instances", "instance", "journey", "status", "step", "waiting until", "started", "ended");
        foreach (var i in (customer["instances"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var status = HostConnection.Text(i["status"]);
            if (i["outcome"] is { } outcome) status = $"{status} ({HostConnection.Text(outcome)})";
            if (i["error"] is { } error) status = $"{status}: {HostConnection.Text(error)}";
            var waiting = i["waiting"] as JsonObject;
            var until = waiting?["until"] is { } u ? HostConnection.Time(u, zone) : "";
            if (waiting?["eventType"] is { } awaited) until = $"{HostConnection.Text(awaited)} by {until}";
            HostConnection.Row(instances, HostConnection.Text(i["instanceId"]), HostConnection.Text(i["journey"]), status, HostConnection.Text(i["stepId"]), until,
                HostConnection.Time(i["startedAt"], zone), i["endedAt"] is { } ended ? HostConnection.Time(ended, zone) : "");
        }

        console.Write(instances);

        if (sent is not null)
        {
            var table = HostConnection.Table("messages", "time", "channel", "template", "status", "text");
            foreach (var m in sent.OfType<JsonObject>())
            {
                var subject = HostConnection.Text(m["subject"]);
                HostConnection.Row(table, HostConnection.Time(m["at"], zone), HostConnection.Text(m["channel"]), HostConnection.Text(m["template"]), HostConnection.Text(m["status"]),
                    (subject is null ? "" : subject + " — ") + HostConnection.Text(m["body"]));
            }

            console.Write(table);
        }

        console.WriteLine($"times in {zone ?? "Asia/Shanghai (default)"}; instance history: privateflows instance <instance>");
        return 0;
    }

    private static string Consent(JsonNode? consent) => consent switch
    {
        JsonObject c when c["granted"]?.GetValue<bool>() != true => "no",
        JsonObject c when c["marketing"]?.GetValue<bool>() == false => "transactional only",
        JsonObject => "yes",
        _ => HostConnection.Text(consent) ?? "?",
    };
}
