using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;

namespace PrivateFlows.Workflows.Tests.Support;

/// <summary>Runs the simulator and reads its results.</summary>
public static class Sim
{
    public static SimulationResult Run(JourneyVersion journey, CustomerProfile profile, DateTimeOffset until, params CustomerEvent[] events) =>
        Simulator.Run([journey], profile, events, until, ContactPolicy.Default);

    public static SimulationResult Run(IEnumerable<JourneyVersion> journeys, CustomerProfile profile, DateTimeOffset until, ContactPolicy policy, params CustomerEvent[] events) =>
        Simulator.Run(journeys, profile, events, until, policy);

    /// <summary>Timeline entries of the journey (events excluded).</summary>
    public static IReadOnlyList<TimelineEntry> Steps(this SimulationResult result) => [.. result.Timeline.Where(t => t.Kind != "event")];

    public static IReadOnlyList<TimelineEntry> Of(this SimulationResult result, string kind) => [.. result.Timeline.Where(t => t.Kind == kind)];

    public static TimelineEntry Single(this SimulationResult result, string kind, string? step)
    {
        var matches = result.Timeline.Where(t => t.Kind == kind && t.Step == step).ToList();
        matches.Should().ContainSingle($"the timeline should have exactly one '{kind}' at step '{step}', but it was:{Environment.NewLine}{result.Dump()}");
        return matches[0];
    }

    public static IReadOnlyList<SendMessage> Sends(this SimulationResult result) => [.. result.Effects.OfType<SendMessage>()];

    public static SendMessage Send(this SimulationResult result, string step)
    {
        var sends = result.Sends().Where(s => s.StepId == step).ToList();
        sends.Should().ContainSingle($"step '{step}' should send exactly once, timeline:{Environment.NewLine}{result.Dump()}");
        return sends[0];
    }

    public static IReadOnlyList<T> EffectsOf<T>(this SimulationResult result) where T : Effect => [.. result.Effects.OfType<T>()];

    public static IReadOnlyList<CompleteInstance> Completions(this SimulationResult result) => result.EffectsOf<CompleteInstance>();

    /// <summary>(kind, step) of every journey line, in order: compact enough to assert a whole path.</summary>
    public static IReadOnlyList<string> Path(this SimulationResult result) => [.. result.Steps().Select(t => t.Step is null ? t.Kind : $"{t.Kind} {t.Step}")];

    public static string Dump(this SimulationResult result) =>
        string.Join(Environment.NewLine, result.Timeline.Select(t => $"{t.Time.UtcDateTime:yyyy-MM-dd HH:mm}Z {t.Kind,-13} {t.Step,-20} {t.Detail}"));
}
