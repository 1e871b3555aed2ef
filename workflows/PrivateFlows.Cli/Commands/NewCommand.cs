using System.CommandLine;
using System.Text.RegularExpressions;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>new &lt;name&gt;</c>: scaffolds a commented journey and its templates that validate as they are.</summary>
public static partial class NewCommand
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex ValidName();

    public static Command Create(CliOutput output)
    {
        var name = new Argument<string>("name") { Description = "journey name: lower-case letters, digits and '-'" };
        var folder = new Option<string>("--output", "-o", "--dir") { Description = "folder to write it to (default: the current folder)", DefaultValueFactory = _ => "." };
        var force = new Option<bool>("--force") { Description = "write into the built-in journeys folder anyway (the host publishes everything there at start-up)" };
        var command = new Command("new", "Scaffold a new journey file") { name, folder, force };
        command.SetAction(parse => Run(parse.GetValue(name)!, parse.GetValue(folder)!, output, parse.GetValue(force)));
        return command;
    }

    public static int Run(string name, string folder, CliOutput output, bool force = false)
    {
        if (!ValidName().IsMatch(name))
        {
            output.Error.WriteLine($"'{name}' is not a journey name: use lower-case letters, digits and '-'");
            return 1;
        }

        // The host copies workflows/journeys into its output and publishes every journey there as a built-in at start-up:
        // a half-written scaffold must not go live with the next run.
        if (IsBuiltInFolder(folder) && !force)
        {
            output.Error.WriteLine($"{Path.GetFullPath(folder)} holds the built-in journeys, which the host publishes at start-up; write the new journey elsewhere (--output <folder>), or add --force");
            return 1;
        }

        folder = Path.GetFullPath(folder);
        var path = Path.Combine(folder, name + ".yaml");
        if (File.Exists(path))
        {
            output.Error.WriteLine($"{path} already exists");
            return 1;
        }

        Directory.CreateDirectory(Path.Combine(folder, "templates"));
        File.WriteAllText(path, Scaffold.Journey(name));
        foreach (var (file, text) in Scaffold.Templates(name))
        {
            var templatePath = Path.Combine(folder, "templates", file);
            if (!File.Exists(templatePath)) File.WriteAllText(templatePath, text);
        }

        output.Out.WriteLine($"created {path}");
        output.Out.WriteLine($"templates in {Path.Combine(folder, "templates")}");
        output.Out.WriteLine($"next: edit it, then run `privateflows validate {path}`; `privateflows publish {path}` puts it live");
        return 0;
    }

    /// <summary>The repository's <c>workflows/journeys</c> folder (the host's built-ins), wherever the command runs from.</summary>
    internal static bool IsBuiltInFolder(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(full);
        return Path.GetFileName(full) == "journeys" && parent is not null && Path.GetFileName(parent) == "workflows";
    }
}
