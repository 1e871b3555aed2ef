using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Cli.Commands;

/// <summary>Reading the files commands take: a journey, a profile, an event timeline.</summary>
internal static class JourneyInput
{
    public static JourneyVersion? LoadJourney(string path, CliOutput output)
    {
        if (!File.Exists(path))
        {
            output.Error.WriteLine($"{path}: no such file");
            return null;
        }

        var result = JourneyLoader.LoadFile(path);
        foreach (var d in result.Diagnostics.Where(d => d.IsError)) output.Error.WriteLine(d.ToString());
        return result.Journeys.FirstOrDefault();
    }

    public static IReadOnlyList<JourneyVersion>? LoadDirectory(string path, CliOutput output)
    {
        var result = JourneyLoader.LoadDirectory(path);
        foreach (var d in result.Diagnostics.Where(d => d.IsError)) output.Error.WriteLine(d.ToString());
        return result.HasErrors ? null : result.Journeys;
    }

    public static IReadOnlyList<CustomerEvent> ReadEvents(string path)
    {
        var events = new List<CustomerEvent>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var result = CloudEventReader.Read(line);
            if (!result.Ok) throw new FormatException($"{path}:{lineNumber}: {result.Field}: {result.Error}");
            events.Add(result.Event!);
        }

        return events;
    }
}
