using System.Collections.Immutable;
using System.Text.Json.Serialization;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// What the store keeps per customer and replaces as a whole, checked against <see cref="Version"/> (the ETag):
/// the decider's state, the effects still to dispatch (the outbox) and the ids of recently processed inputs.
/// Stored in its own compact format (<see cref="StoredDocumentFormat"/>) by every store and serializer.
/// </summary>
[JsonConverter(typeof(StoredDocumentFormat))]
public sealed record CustomerDocument
{
    /// <summary>How many processed input ids a document remembers (the store's inbox remembers all of them).</summary>
    public const int RememberedInputs = 64;

    public required CustomerState State { get; init; }
    public ImmutableArray<Effect> PendingEffects { get; init; } = [];
    public ImmutableArray<string> ProcessedInputs { get; init; } = [];

    /// <summary>The stored version (ETag); 0 for a customer not stored yet. Kept outside the JSON.</summary>
    [JsonIgnore]
    public long Version { get; init; }

    [JsonIgnore]
    public string CustomerId => State.CustomerId;

    public static CustomerDocument New(string customerId) => new() { State = CustomerState.New(customerId) };

    public bool HasProcessed(string inputId) => ProcessedInputs.Contains(inputId, StringComparer.Ordinal);

    /// <summary>The document after a decision: new state, its effects in the outbox, the input remembered.</summary>
    public CustomerDocument After(Decision decision, string inputId)
    {
        var processed = ProcessedInputs.Add(inputId);
        if (processed.Length > RememberedInputs) processed = processed.RemoveRange(0, processed.Length - RememberedInputs);
        return this with { State = decision.State, PendingEffects = PendingEffects.AddRange(decision.Effects), ProcessedInputs = processed };
    }
}
