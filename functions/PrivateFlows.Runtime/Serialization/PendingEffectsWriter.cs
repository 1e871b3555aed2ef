using System.Collections.Immutable;
using System.Text.Json;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// Writes a document's outbox as the serializer writes it with <see cref="StoredDocumentFormat.Options"/>: the
/// effect that waits there on almost every step that sends, <see cref="SendMessage"/>, by hand (derived members
/// first, then the base record's, nulls and the default category left out, as <see cref="AbsentValues"/> does),
/// every other effect through the serializer.
/// </summary>
internal static class PendingEffectsWriter
{
    private static readonly JsonEncodedText Discriminator = JsonEncodedText.Encode(PolymorphicTypes.Discriminator);
    private static readonly JsonEncodedText SendMessageType = JsonEncodedText.Encode(PolymorphicTypes.NameOf(typeof(SendMessage)));

    public static void Write(Utf8JsonWriter writer, ImmutableArray<Effect> effects)
    {
        writer.WriteStartArray();
        foreach (var effect in effects)
        {
            if (effect is SendMessage send) Send(writer, send);
            else JsonSerializer.Serialize(writer, effect, StoredDocumentFormat.Options);
        }

        writer.WriteEndArray();
    }

    private static void Send(Utf8JsonWriter writer, SendMessage s)
    {
        writer.WriteStartObject();
        writer.WriteString(Discriminator, SendMessageType);
        String(writer, "instanceId"u8, s.InstanceId);
        String(writer, "journey"u8, s.Journey);
        String(writer, "stepId"u8, s.StepId);
        String(writer, "channel"u8, s.Channel);
        StoredStateWriter.Category(writer, s.Category);
        String(writer, "template"u8, s.Template);
        String(writer, "locale"u8, s.Locale);
        String(writer, "subject"u8, s.Subject);
        String(writer, "body"u8, s.Body);
        String(writer, "address"u8, s.Address);
        String(writer, "effectId"u8, s.EffectId);
        String(writer, "customerId"u8, s.CustomerId);
        writer.WriteEndObject();
    }

    private static void String(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value) => StoredStateWriter.String(writer, name, value);
}
