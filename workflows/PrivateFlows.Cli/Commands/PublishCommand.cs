using System.CommandLine;
using Spectre.Console;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>publish</c>: validate a journey locally, then publish it with its templates to a running host as a new immutable version.</summary>
internal static class PublishCommand
{
    public static Command Create(CliOutput output, HttpMessageHandler? transport)
    {
        var host = new HostConnection(transport);
        var file = new Argument<string>("journey") { Description = "journey YAML file; its templates come from templates/ beside it" };
        var command = new Command("publish", "Publish a journey and its templates to a running host (POST /api/journeys; marketer key)") { file };
        host.AddTo(command);
        command.SetAction((parse, ct) => HostConnection.RunAsync(output, () => RunAsync(parse, host, parse.GetValue(file)!, output, ct)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, HostConnection host, string path, CliOutput output, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: no such file");
        var loaded = JourneyLoader.LoadFile(path);
        foreach (var d in loaded.Diagnostics.Where(d => d.IsError)) await output.Error.WriteLineAsync(d.ToString()).ConfigureAwait(false);
        if (loaded.HasErrors || loaded.Journeys.Count == 0) return 1;
        var journey = loaded.Journeys[0];

        var templates = new JsonArray();
        foreach (var (name, locales) in journey.Templates)
        {
            foreach (var (locale, source) in locales) templates.Add(new JsonObject { ["name"] = name, ["locale"] = locale, ["text"] = source.Text });
        }

        using var client = host.Client(parse);
        var body = new JsonObject { ["yaml"] = journey.Yaml, ["templates"] = templates };
        var published = await HostConnection.PostJsonAsync(client, $"api/journeys?file={Uri.EscapeDataString(Path.GetFileName(path))}", body, ct).ConfigureAwait(false);
        if (parse.GetValue(host.Json))
        {
            HostConnection.WriteJson(output, published);
            return 0;
        }

        var created = published?["created"]?.GetValue<bool>() == true;
        var console = HostConnection.Console(output);
        var table = HostConnection.Table(null, "journey", "version", "content hash", "result", "templates");
        HostConnection.Row(table,
            HostConnection.Text(published?["name"]),
            HostConnection.Text(published?["number"]),
            HostConnection.Text(published?["version"]),
            created ? "published as a new version" : "already published (same content)",
            templates.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        console.Write(table);
        if (published?["warnings"] is JsonArray warnings)
        {
            foreach (var w in warnings) console.WriteLine(HostConnection.Text(w) ?? "");
        }

        return 0;
    }
}
