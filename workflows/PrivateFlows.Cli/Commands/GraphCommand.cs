using System.CommandLine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Cli.Commands;

/// <summary><c>graph</c>: a Mermaid flowchart of a journey.</summary>
public static class GraphCommand
{
    public static Command Create(CliOutput output)
    {
        var journey = new Argument<string>("journey") { Description = "the journey YAML file" };
        var command = new Command("graph", "Draw a journey as a Mermaid flowchart") { journey };
        command.SetAction(parse =>
        {
            var loaded = JourneyInput.LoadJourney(parse.GetValue(journey)!, output);
            if (loaded is null) return 1;
            output.Out.Write(JourneyGraph.ToMermaid(loaded.Definition));
            return 0;
        });
        return command;
    }
}
