using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// The stored shape of a <see cref="CustomerDocument"/>, whatever options a store serialises it with. Format 2 keeps
/// the property names of format 1 (queries read <c>$.state.profile</c> and <c>$.state.instances</c>), and leaves out
/// what a reader restores by itself: values equal to their defaults (<see cref="AbsentValues"/>), an instance's
/// customer id and its entry event's subject (both are the document's customer), and <c>+00:00</c> offsets. A
/// format-1 document (no <c>v</c>) has every property and reads with the same code.
/// </summary>
public sealed class StoredDocumentFormat : JsonConverter<CustomerDocument>
{
    public const int Current = 2;

    /// <summary>Options for the stored document: the runtime's, minus what a reader restores (see the type's summary).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public override CustomerDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var stored = JsonSerializer.Deserialize<Stored>(ref reader, Options) ?? throw new JsonException("null where a customer document was expected");
        var state = stored.State ?? throw new JsonException("a customer document without state");
        return new CustomerDocument
        {
            State = state with { Instances = Restore(state.Instances, state.CustomerId) },
            PendingEffects = stored.PendingEffects,
            ProcessedInputs = stored.ProcessedInputs,
        };
    }

    public override void Write(Utf8JsonWriter writer, CustomerDocument value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var outer = _writing;
        _writing = value.CustomerId; // what an instance's customer id and entry subject are left out for (see Restore)
        try
        {
            JsonSerializer.Serialize(writer, new Stored { V = Current, State = value.State, PendingEffects = value.PendingEffects, ProcessedInputs = value.ProcessedInputs }, Options);
        }
        finally
        {
            _writing = outer;
        }
    }

    /// <summary>The customer of the document being written on this thread (a converter has no other way down).</summary>
    [ThreadStatic]
    private static string? _writing;

    private static bool NotTheCustomer(object owner, object? value) => !(value is string id && id == _writing);

    private static ImmutableArray<JourneyInstance> Restore(ImmutableArray<JourneyInstance> instances, string customerId)
    {
        if (instances.IsDefaultOrEmpty || instances.All(i => i.CustomerId is not null && i.EntryEvent.Subject is not null)) return instances;
        return [.. instances.Select(i => i with
        {
            CustomerId = i.CustomerId ?? customerId,
            EntryEvent = i.EntryEvent.Subject is null ? i.EntryEvent with { Subject = customerId } : i.EntryEvent,
        })];
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        RuntimeJson.Configure(options);
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault; // see AbsentValues: only where a reader restores the default
        options.Converters.Add(new UtcTimes());
        ((DefaultJsonTypeInfoResolver)options.TypeInfoResolver!).Modifiers.Add(AbsentValues.Omit);
        ((DefaultJsonTypeInfoResolver)options.TypeInfoResolver!).Modifiers.Add(InstanceCustomerIdOptional);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// Format 2 leaves an instance's customer id and its entry event's subject out when they are the document's
    /// customer (the only events a document holds are entry events); <see cref="Read"/> puts them back.
    /// </summary>
    private static void InstanceCustomerIdOptional(JsonTypeInfo info)
    {
        var name = info.Type == typeof(JourneyInstance) ? "customerId" : info.Type == typeof(CustomerEvent) ? "subject" : null;
        if (name is null) return;
        foreach (var property in info.Properties)
        {
            if (property.Name != name) continue;
            property.IsRequired = false;
            property.ShouldSerialize = NotTheCustomer;
        }
    }

    /// <summary>The document as stored: <see cref="V"/> is the format (absent in format 1).</summary>
    internal sealed record Stored
    {
        public int V { get; init; } = 1;
        public CustomerState? State { get; init; }
        public ImmutableArray<Effect> PendingEffects { get; init; } = [];
        public ImmutableArray<string> ProcessedInputs { get; init; } = [];
    }
}
