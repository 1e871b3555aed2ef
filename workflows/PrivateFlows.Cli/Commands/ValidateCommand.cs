using System.CommandLine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>validate [paths…]</c>: one line per problem, exit 1 when any error.</summary>
public static class ValidateCommand
{
    public const string DefaultPath = "workflows/journeys";

    public static Command Create(CliOutput output)
    {
        var paths = new Argument<string[]>("paths") { Description = "journey files or folders (default workflows/journeys)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("validate", "Check journeys and their templates") { paths };
        command.SetAction(parse => Run(parse.GetValue(paths) ?? [], output));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, CliOutput output)
    {
        var targets = paths.Count == 0 ? [DefaultPath] : paths;
        var errors = 0;
        var journeys = 0;
        foreach (var target in targets)
        {
            LoadResult result;
            if (Directory.Exists(target)) result = JourneyLoader.LoadDirectory(target);
            else if (File.Exists(target)) result = JourneyLoader.LoadFile(target);
            else
            {
                output.Error.WriteLine($"{target}: no such file or folder");
                errors++;
                continue;
            }

            foreach (var d in result.Diagnostics) output.Out.WriteLine(d.ToString());
            errors += result.Diagnostics.Count(d => d.IsError);
            journeys += result.Journeys.Count;
        }

        output.Out.WriteLine(errors == 0 ? $"{journeys} journey(s) valid" : $"{errors} error(s)");
        return errors == 0 ? 0 : 1;
    }
}
