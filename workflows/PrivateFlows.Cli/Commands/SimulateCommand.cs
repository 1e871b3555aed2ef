using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>simulate</c>: run a customer through a journey on a virtual clock and print the timeline.</summary>
public static class SimulateCommand
{
    public static Command Create(CliOutput output)
    {
        var journey = new Argument<string[]>("journeys") { Description = "journey YAML file(s) or folder; several journeys share the customer's caps as in production", Arity = ArgumentArity.OneOrMore };
        var customer = new Option<string>("--customer") { Description = "customer profile JSON file", Required = true };
        var events = new Option<string>("--events") { Description = "event timeline, CloudEvents JSON lines with time", Required = true };
        var until = new Option<string?>("--until") { Description = "stop at this ISO time, or +30d after the last event" };
        var json = new Option<bool>("--json") { Description = "print a JSON array of {time, kind, step, detail}" };
        var command = new Command("simulate", "Simulate a customer through a journey with a virtual clock") { journey, customer, events, until, json };
        command.SetAction(parse => Run(parse.GetValue(journey)!, parse.GetValue(customer)!, parse.GetValue(events)!, parse.GetValue(until), parse.GetValue(json), output));
        return command;
    }

    public static int Run(string journeyPath, string customerPath, string eventsPath, string? until, bool json, CliOutput output) =>
        Run([journeyPath], customerPath, eventsPath, until, json, output);

    public static int Run(IReadOnlyList<string> journeyPaths, string customerPath, string eventsPath, string? until, bool json, CliOutput output)
    {
        var journeys = new List<JourneyVersion>();
        foreach (var path in journeyPaths)
        {
            var loaded = Directory.Exists(path) ? JourneyInput.LoadDirectory(path, output) : JourneyInput.LoadJourney(path, output) is { } one ? [one] : null;
            if (loaded is null) return 1;
            // Labelled as the host labels a journey's first published version ("version 1 (<hash>)"), so the simulated
            // history reads exactly like the host's.
            journeys.AddRange(loaded.Select(j => j.Number > 0 ? j : j with { Number = 1 }));
        }

        CustomerProfile profile;
        IReadOnlyList<CustomerEvent> events;
        try
        {
            profile = CustomerProfileReader.Read(File.ReadAllText(customerPath));
            events = JourneyInput.ReadEvents(eventsPath);
        }
        catch (Exception e) when (e is FormatException or IOException or JsonException or InvalidOperationException)
        {
            output.Error.WriteLine(e.Message);
            return 1;
        }

        DateTimeOffset? end = null;
        if (until is not null)
        {
            if (until.StartsWith('+') && Duration.TryParse(until[1..], out var after))
            {
                end = (events.Count == 0 ? DateTimeOffset.UnixEpoch : events.Max(e => e.Time)) + after;
            }
            else if (DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                end = at;
            }
            else
            {
                output.Error.WriteLine($"--until: '{until}' is neither an ISO time nor +<duration>");
                return 1;
            }
        }

        var result = Simulator.Run(journeys, profile, events, end, ContactPolicy.Default);
        if (json)
        {
            var array = new JsonArray(result.Timeline.Select(t => (JsonNode)new JsonObject
            {
                ["time"] = t.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["kind"] = t.Kind,
                ["journey"] = t.Journey,
                ["step"] = t.Step,
                ["detail"] = t.Detail,
            }).ToArray());
            output.Out.WriteLine(array.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return 0;
        }

        var zone = profile.TimeZone;
        output.Out.WriteLine($"{string.Join(", ", journeys.Select(j => $"{j.Name} version {j.Number} ({j.Version})"))} for {profile.CustomerId} — times in {zone}");
        var many = journeys.Count > 1;
        foreach (var t in result.Timeline)
        {
            var local = CustomerClock.ToLocal(t.Time, zone).ToString("yyyy-MM-dd ddd HH:mm", CultureInfo.InvariantCulture);
            var journey = many ? $"{t.Journey ?? "",-17} " : "";
            output.Out.WriteLine($"{local}  {journey}{t.Kind,-13} {t.Step ?? "",-20} {OneLine(t.Detail)}");
        }

        return 0;
    }

    /// <summary>One table row per entry: a multi-line message body is folded, its line breaks shown as ⏎.</summary>
    internal static string OneLine(string? text) =>
        text is null ? "" : text.ReplaceLineEndings("\n").TrimEnd('\n').Replace("\n", " ⏎ ", StringComparison.Ordinal);
}
