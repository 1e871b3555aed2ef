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
/// The state is read and written by hand (<see cref="StoredStateReader"/>, <see cref="StoredStateWriter"/>), to the
/// byte what the serializer does with <see cref="Options"/> (<see cref="ReadWithSerializer"/> and
/// <see cref="WriteWithSerializer"/>, which the tests hold them to), at a fraction of its cost per step.
/// </summary>
public sealed class StoredDocumentFormat : JsonConverter<CustomerDocument>
{
    public const int Current = 2;

    /// <summary>Options for the stored document: the runtime's, minus what a reader restores (see the type's summary).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>False when a state type has a member the hand-written reader and writer do not know (see <see cref="HandWrittenMembers"/>).</summary>
    internal static bool HandWritten { get; } = HandWrittenMembers.Differing(Options).Count == 0;

    public override CustomerDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (!HandWritten) return ReadWithSerializer(ref reader);
        try
        {
            return ReadStored(ref reader);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new JsonException($"an unreadable customer document: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, CustomerDocument value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (!HandWritten)
        {
            WriteWithSerializer(writer, value);
            return;
        }

        var outer = _writing;
        _writing = value.CustomerId; // what an instance's customer id and entry subject are left out for (see Restore)
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Current);
            writer.WritePropertyName("state"u8);
            StoredStateWriter.Write(writer, value.State, value.CustomerId);
            if (!value.PendingEffects.IsDefaultOrEmpty)
            {
                writer.WritePropertyName("pendingEffects"u8);
                PendingEffectsWriter.Write(writer, value.PendingEffects);
            }

            if (!value.ProcessedInputs.IsDefaultOrEmpty)
            {
                writer.WriteStartArray("processedInputs"u8);
                foreach (var id in value.ProcessedInputs) writer.WriteStringValue(id);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }
        finally
        {
            _writing = outer;
        }
    }

    /// <summary>
    /// What <see cref="Read"/> did before the hand-written reader, and still describes the format: the serializer
    /// with <see cref="Options"/>. The tests hold the hand-written reader to it.
    /// </summary>
    internal static CustomerDocument ReadWithSerializer(ref Utf8JsonReader reader)
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

    /// <summary>What <see cref="Write"/> did before the hand-written writer (see <see cref="ReadWithSerializer"/>).</summary>
    internal static void WriteWithSerializer(Utf8JsonWriter writer, CustomerDocument value)
    {
        var outer = _writing;
        _writing = value.CustomerId;
        try
        {
            JsonSerializer.Serialize(writer, new Stored { V = Current, State = value.State, PendingEffects = value.PendingEffects, ProcessedInputs = value.ProcessedInputs }, Options);
        }
        finally
        {
            _writing = outer;
        }
    }

    private static CustomerDocument ReadStored(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) throw new JsonException("null where a customer document was expected");
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException($"a customer document is an object, not {reader.TokenType}");
        CustomerState? state = null;
        ImmutableArray<Effect> pending = [];
        ImmutableArray<string> processed = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("state"u8))
            {
                reader.Read();
                state = StoredStateReader.Read(ref reader);
            }
            else if (reader.ValueTextEquals("pendingEffects"u8))
            {
                reader.Read();
                pending = JsonSerializer.Deserialize<ImmutableArray<Effect>>(ref reader, Options);
            }
            else if (reader.ValueTextEquals("processedInputs"u8))
            {
                reader.Read();
                processed = JsonSerializer.Deserialize<ImmutableArray<string>>(ref reader, Options);
            }
            else if (reader.ValueTextEquals("v"u8))
            {
                reader.Read();
                _ = reader.GetInt32(); // the format: both read with the same code
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (state is null) throw new JsonException("a customer document without state");
        var instances = Restore(state.Instances, state.CustomerId);
        return new CustomerDocument
        {
            State = instances == state.Instances ? state : state with { Instances = instances },
            PendingEffects = pending,
            ProcessedInputs = processed,
        };
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
