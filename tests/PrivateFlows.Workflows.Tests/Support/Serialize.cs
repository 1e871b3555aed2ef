using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Simulation;

namespace PrivateFlows.Workflows.Tests.Support;

/// <summary>Canonical JSON of decider outputs, for byte-for-byte comparisons (effects serialized by their runtime type).</summary>
public static class Serialize
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Json(object? value) => value is null ? "null" : JsonSerializer.Serialize(value, value.GetType(), Options);

    public static string Effects(IEnumerable<Effect> effects) => "[" + string.Join(",", effects.Select(Json)) + "]";

    public static string State(CustomerState state) => Json(state);

    public static string Decision(Decision decision) => State(decision.State) + "\n" + Effects(decision.Effects);

    public static string Timeline(IEnumerable<TimelineEntry> timeline) => Json(timeline.ToList());

    public static string Simulation(SimulationResult result) =>
        Timeline(result.Timeline) + "\n" + Effects(result.Effects) + "\n" + State(result.FinalState);
}
