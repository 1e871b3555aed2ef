using System.CommandLine;
using PrivateFlows.Cli.Commands;

namespace PrivateFlows.Cli;

/// <summary>The <c>privateflows</c> command line. Output goes to the given writers so tests can read it.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, null);

    /// <summary>
    /// Runs the command line; the commands that talk to a running host (<c>publish</c>, <c>customer</c>, <c>instance</c>,
    /// <c>events send</c>) send their HTTP requests through <paramref name="transport"/> when given (tests hand in an
    /// in-memory host), else over the network to <c>--url</c>.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? transport)
    {
        var root = new RootCommand("PrivateFlows: customer journeys for private-domain operations");
        var output = new CliOutput(stdout, stderr);
        root.Subcommands.Add(ValidateCommand.Create(output));
        root.Subcommands.Add(SimulateCommand.Create(output));
        root.Subcommands.Add(RenderCommand.Create(output));
        root.Subcommands.Add(GraphCommand.Create(output));
        root.Subcommands.Add(NewCommand.Create(output));
        root.Subcommands.Add(PublishCommand.Create(output, transport));
        root.Subcommands.Add(CustomerCommand.Create(output, transport));
        root.Subcommands.Add(InstanceCommand.Create(output, transport));
        root.Subcommands.Add(EventsCommand.Create(output, transport));
        var result = root.Parse(args);
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}
