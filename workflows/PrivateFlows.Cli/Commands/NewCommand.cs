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
        var folder = new Option<string>("--dir") { Description = "where to write it", DefaultValueFactory = _ => "workflows/journeys" };
        var command = new Command("new", "Scaffold a new journey file") { name, folder };
        command.SetAction(parse => Run(parse.GetValue(name)!, parse.GetValue(folder)!, output));
        return command;
    }

    public static int Run(string name, string folder, CliOutput output)
    {
        if (!ValidName().IsMatch(name))
        {
            output.Error.WriteLine($"'{name}' is not a journey name: use lower-case letters, digits and '-'");
            return 1;
        }

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
        output.Out.WriteLine($"next: edit it, then run `privateflows validate {path}`");
        return 0;
    }
}
