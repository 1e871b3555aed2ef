using System.CommandLine;
using PrivateFlows.Cli.Commands;

namespace PrivateFlows.Cli;

/// <summary>The <c>privateflows</c> command line. Output goes to the given writers so tests can read it.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("PrivateFlows: customer journeys for private-domain operations");
        var output = new CliOutput(stdout, stderr);
        root.Subcommands.Add(ValidateCommand.Create(output));
        root.Subcommands.Add(SimulateCommand.Create(output));
        root.Subcommands.Add(RenderCommand.Create(output));
        root.Subcommands.Add(GraphCommand.Create(output));
        root.Subcommands.Add(NewCommand.Create(output));
        var result = root.Parse(args);
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}
