using System.Collections.Immutable;
using System.Text.Json;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// Writes a customer's state in stored format 2 by hand, byte for byte what the serializer writes with
/// <see cref="StoredDocumentFormat.Options"/> (same property order, same values left out: see
/// <see cref="AbsentValues"/>), without its reflection-built metadata, boxing of every value-type property and
/// per-property predicates. Values rarely present in a document (recall, referral, refunds, the entry event's data)
/// go to the serializer. The tests compare both writers over decided documents.
/// </summary>
internal static class StoredStateWriter
{
    // What a reader gets when these are left out: the initializers, and the constructor's default for an event's source.
    private static readonly CustomerProfile Blank = new() { CustomerId = "" };
    private static readonly string DefaultLocale = Blank.Locale;
    private static readonly string DefaultTimeZone = Blank.TimeZone;
    private static readonly string DefaultTier = Blank.Tier;
    internal static readonly string DefaultSource = (string)typeof(CustomerEvent).GetConstructors().Single(c => c.GetParameters().Length == 6).GetParameters()[5].DefaultValue!;

    public static void Write(Utf8JsonWriter writer, CustomerState state, string? customerId)
    {
        writer.WriteStartObject();
        if (state.Profile is { } profile)
        {
            writer.WritePropertyName("profile"u8);
            Profile(writer, profile);
        }

        if (!state.Instances.IsDefaultOrEmpty)
        {
            writer.WriteStartArray("instances"u8);
            foreach (var instance in state.Instances) Instance(writer, instance, customerId);
            writer.WriteEndArray();
        }

        if (!state.RecentSends.IsDefaultOrEmpty)
        {
            writer.WriteStartArray("recentSends"u8);
            foreach (var send in state.RecentSends) Send(writer, send);
            writer.WriteEndArray();
        }

        Times(writer, "lastEntered"u8, state.LastEntered);
        writer.WriteEndObject();
    }

    private static void Profile(Utf8JsonWriter writer, CustomerProfile p)
    {
        writer.WriteStartObject();
        String(writer, "customerId"u8, p.CustomerId);
        String(writer, "name"u8, p.Name);
        String(writer, "email"u8, p.Email);
        String(writer, "phone"u8, p.Phone);
        StringUnless(writer, "locale"u8, p.Locale, DefaultLocale);
        StringUnless(writer, "timeZone"u8, p.TimeZone, DefaultTimeZone);
        String(writer, "birthday"u8, p.Birthday);
        if (p.Channels is null) writer.WriteNull("channels"u8);
        else if (!p.Channels.IsEmpty)
        {
            writer.WriteStartObject("channels"u8);
            foreach (var (channel, consent) in p.Channels)
            {
                writer.WritePropertyName(channel);
                Consent(writer, consent);
            }

            writer.WriteEndObject();
        }

        Set(writer, "tags"u8, p.Tags);
        Strings(writer, "attributes"u8, p.Attributes);
        writer.WritePropertyName("orders"u8);
        Orders(writer, p.Orders);
        Number(writer, "points"u8, p.Points);
        StringUnless(writer, "tier"u8, p.Tier, DefaultTier);
        writer.WritePropertyName("loyalty"u8);
        Loyalty(writer, p.Loyalty);
        writer.WritePropertyName("activity"u8);
        Activity(writer, p.Activity);
        writer.WritePropertyName("fingerprints"u8);
        Fingerprints(writer, p.Fingerprints);
        Serialized(writer, "lastRecall"u8, p.LastRecall);
        Serialized(writer, "referredBy"u8, p.ReferredBy);
        Time(writer, "registeredAt"u8, p.RegisteredAt);
        Time(writer, "lastActiveAt"u8, p.LastActiveAt);
        Strings(writer, "externalIds"u8, p.ExternalIds);
        writer.WriteEndObject();
    }

    private static void Consent(Utf8JsonWriter writer, ChannelConsent? c)
    {
        if (c is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        if (c.Granted) writer.WriteBoolean("granted"u8, true);
        if (c.Marketing) writer.WriteBoolean("marketing"u8, true);
        String(writer, "source"u8, c.Source);
        Time(writer, "at"u8, c.At);
        String(writer, "address"u8, c.Address);
        writer.WriteEndObject();
    }

    private static void Orders(Utf8JsonWriter writer, OrdersSummary? o)
    {
        if (o is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        Number(writer, "count"u8, o.Count);
        Amount(writer, "total"u8, o.Total);
        Amount(writer, "refunded"u8, o.Refunded);
        Time(writer, "firstAt"u8, o.FirstAt);
        Time(writer, "lastAt"u8, o.LastAt);
        Number(writer, "refunds"u8, o.Refunds);
        Time(writer, "lastRefundAt"u8, o.LastRefundAt);
        writer.WriteEndObject();
    }

    private static void Loyalty(Utf8JsonWriter writer, LoyaltyAccount? a)
    {
        if (a is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        if (!a.Lots.IsDefaultOrEmpty)
        {
            writer.WriteStartArray("lots"u8);
            foreach (var lot in a.Lots) Lot(writer, lot);
            writer.WriteEndArray();
        }

        Number(writer, "debt"u8, a.Debt);
        Times(writer, "applied"u8, a.Applied);
        if (a.Months is null) writer.WriteNull("months"u8);
        else if (!a.Months.IsEmpty)
        {
            writer.WriteStartObject("months"u8);
            foreach (var (month, totals) in a.Months)
            {
                writer.WritePropertyName(month);
                Month(writer, totals);
            }

            writer.WriteEndObject();
        }

        if (a.Orders is null) writer.WriteNull("orders"u8);
        else if (!a.Orders.IsEmpty)
        {
            writer.WriteStartObject("orders"u8);
            foreach (var (orderId, order) in a.Orders)
            {
                writer.WritePropertyName(orderId);
                Order(writer, order);
            }

            writer.WriteEndObject();
        }

        Counts(writer, "dailyCounts"u8, a.DailyCounts);
        Time(writer, "tierSince"u8, a.TierSince);
        Time(writer, "nextTierReview"u8, a.NextTierReview);
        Time(writer, "timerAt"u8, a.TimerAt);
        writer.WriteEndObject();
    }

    private static void Lot(Utf8JsonWriter writer, PointsLot? lot)
    {
        if (lot is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        String(writer, "entryId"u8, lot.EntryId);
        Time(writer, "earnedAt"u8, lot.EarnedAt);
        Time(writer, "expiresAt"u8, lot.ExpiresAt);
        Number(writer, "points"u8, lot.Points);
        Number(writer, "remaining"u8, lot.Remaining);
        writer.WriteEndObject();
    }

    private static void Month(Utf8JsonWriter writer, MonthTotals? m)
    {
        if (m is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        Number(writer, "points"u8, m.Points);
        Amount(writer, "spend"u8, m.Spend);
        writer.WriteEndObject();
    }

    private static void Order(Utf8JsonWriter writer, OrderPoints? o)
    {
        if (o is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        String(writer, "orderId"u8, o.OrderId);
        String(writer, "eventId"u8, o.EventId);
        Time(writer, "at"u8, o.At);
        Amount(writer, "amount"u8, o.Amount);
        Number(writer, "points"u8, o.Points);
        Number(writer, "clawedBack"u8, o.ClawedBack);
        if (o.Refunds is null) writer.WriteNull("refunds"u8);
        else if (!o.Refunds.IsEmpty) Serialized(writer, "refunds"u8, o.Refunds);
        writer.WriteEndObject();
    }

    private static void Activity(Utf8JsonWriter writer, Activity? a)
    {
        if (a is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        Counts(writer, "counts"u8, a.Counts);
        Times(writer, "checkIns"u8, a.CheckIns);
        Time(writer, "lastCheckInAt"u8, a.LastCheckInAt);
        writer.WriteEndObject();
    }

    private static void Fingerprints(Utf8JsonWriter writer, Fingerprints? f)
    {
        if (f is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        Set(writer, "deviceIds"u8, f.DeviceIds);
        Set(writer, "phones"u8, f.Phones);
        Set(writer, "paymentFingerprints"u8, f.PaymentFingerprints);
        writer.WriteEndObject();
    }

    private static void Instance(Utf8JsonWriter writer, JourneyInstance? i, string? customerId)
    {
        if (i is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        String(writer, "instanceId"u8, i.InstanceId);
        NotTheCustomer(writer, "customerId"u8, i.CustomerId, customerId);
        String(writer, "journey"u8, i.Journey);
        String(writer, "version"u8, i.Version);
        if (i.EntryEvent is { } entry)
        {
            writer.WritePropertyName("entryEvent"u8);
            Event(writer, entry, customerId);
        }

        WriteTime(writer, "startedAt"u8, i.StartedAt); // required: written even when default
        if (i.Status != InstanceStatus.Active)
        {
            writer.WritePropertyName("status"u8);
            SnakeCaseEnum<InstanceStatus>.Write(writer, i.Status);
        }

        String(writer, "stepId"u8, i.StepId);
        if (i.Waiting is { } waiting)
        {
            writer.WritePropertyName("waiting"u8);
            Waiting(writer, waiting);
        }

        if (!i.DeferredSends.IsDefaultOrEmpty)
        {
            writer.WriteStartArray("deferredSends"u8);
            foreach (var deferred in i.DeferredSends) Deferred(writer, deferred);
            writer.WriteEndArray();
        }

        String(writer, "variant"u8, i.Variant);
        Strings(writer, "vars"u8, i.Vars);
        Number(writer, "sequence"u8, i.Sequence);
        Number(writer, "historyCount"u8, i.HistoryCount);
        Time(writer, "goalDeadline"u8, i.GoalDeadline);
        if (i.Outcome is { } outcome)
        {
            writer.WritePropertyName("outcome"u8);
            SnakeCaseEnum<InstanceOutcome>.Write(writer, outcome);
        }

        Time(writer, "endedAt"u8, i.EndedAt);
        String(writer, "error"u8, i.Error);
        writer.WriteEndObject();
    }

    private static void Event(Utf8JsonWriter writer, CustomerEvent e, string? customerId)
    {
        writer.WriteStartObject();
        String(writer, "id"u8, e.Id);
        String(writer, "type"u8, e.Type);
        NotTheCustomer(writer, "subject"u8, e.Subject, customerId);
        Time(writer, "time"u8, e.Time);
        Serialized(writer, "data"u8, e.Data);
        StringUnless(writer, "source"u8, e.Source, DefaultSource);
        writer.WriteEndObject();
    }

    private static void Waiting(Utf8JsonWriter writer, Waiting w)
    {
        writer.WriteStartObject();
        String(writer, "timerId"u8, w.TimerId);
        Time(writer, "until"u8, w.Until);
        String(writer, "eventType"u8, w.EventType);
        Strings(writer, "match"u8, w.Match);
        if (w.Reason != WaitingReason.Wait)
        {
            writer.WritePropertyName("reason"u8);
            SnakeCaseEnum<WaitingReason>.Write(writer, w.Reason);
        }

        writer.WriteEndObject();
    }

    private static void Deferred(Utf8JsonWriter writer, DeferredSend? d)
    {
        if (d is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        String(writer, "timerId"u8, d.TimerId);
        String(writer, "stepId"u8, d.StepId);
        Time(writer, "since"u8, d.Since);
        Time(writer, "dueAt"u8, d.DueAt);
        writer.WriteEndObject();
    }

    private static void Send(Utf8JsonWriter writer, SendRecord? s)
    {
        if (s is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        Time(writer, "at"u8, s.At);
        String(writer, "channel"u8, s.Channel);
        Category(writer, s.Category);
        String(writer, "journey"u8, s.Journey);
        String(writer, "effectId"u8, s.EffectId);
        writer.WriteEndObject();
    }

    /// <summary>Left out when null (or equal to the default, for the members that have one).</summary>
    internal static void String(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    /// <summary>A send's category, left out when it is the default (marketing).</summary>
    internal static void Category(Utf8JsonWriter writer, SendCategory category)
    {
        if (category == SendCategory.Marketing) return;
        writer.WritePropertyName("category"u8);
        SnakeCaseEnum<SendCategory>.Write(writer, category);
    }

    /// <summary>Left out when it is the initializer's value; a null is written (a reader would get the initializer).</summary>
    private static void StringUnless(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value, string absent)
    {
        if (value is null) writer.WriteNull(name);
        else if (!string.Equals(value, absent, StringComparison.Ordinal)) writer.WriteString(name, value);
    }

    /// <summary>An instance's customer id and its entry event's subject are left out when they are the document's customer.</summary>
    private static void NotTheCustomer(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value, string? customerId)
    {
        if (value is null) writer.WriteNull(name);
        else if (!string.Equals(value, customerId, StringComparison.Ordinal)) writer.WriteString(name, value);
    }

    private static void Number(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long value)
    {
        if (value != 0) writer.WriteNumber(name, value);
    }

    /// <summary>0.00 prints differently from 0 in templates: only a zero without decimals is left out.</summary>
    private static void Amount(Utf8JsonWriter writer, ReadOnlySpan<byte> name, decimal value)
    {
        if (value != 0m || value.Scale != 0) writer.WriteNumber(name, value);
    }

    private static void Time(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset value)
    {
        if (value != default) WriteTime(writer, name, value);
    }

    private static void Time(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset? value)
    {
        if (value is { } v) WriteTime(writer, name, v);
    }

    /// <summary>As <see cref="UtcTimes"/>: UTC with a <c>Z</c>, any other offset as it is.</summary>
    private static void WriteTime(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTimeOffset value)
    {
        if (value.Offset == TimeSpan.Zero) writer.WriteString(name, value.UtcDateTime);
        else writer.WriteString(name, value);
    }

    private static void WriteTimeValue(Utf8JsonWriter writer, DateTimeOffset value)
    {
        if (value.Offset == TimeSpan.Zero) writer.WriteStringValue(value.UtcDateTime);
        else writer.WriteStringValue(value);
    }

    private static void Set(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ImmutableSortedSet<string>? values)
    {
        if (values is null) writer.WriteNull(name);
        else if (!values.IsEmpty)
        {
            writer.WriteStartArray(name);
            foreach (var value in values) writer.WriteStringValue(value);
            writer.WriteEndArray();
        }
    }

    private static void Strings(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ImmutableSortedDictionary<string, string>? map)
    {
        if (map is null) writer.WriteNull(name);
        else if (!map.IsEmpty)
        {
            writer.WriteStartObject(name);
            foreach (var (key, value) in map) writer.WriteString(key, value);
            writer.WriteEndObject();
        }
    }

    private static void Times(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ImmutableSortedDictionary<string, DateTimeOffset>? map)
    {
        if (map is null) writer.WriteNull(name);
        else if (!map.IsEmpty)
        {
            writer.WriteStartObject(name);
            foreach (var (key, value) in map)
            {
                writer.WritePropertyName(key);
                WriteTimeValue(writer, value);
            }

            writer.WriteEndObject();
        }
    }

    private static void Counts(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ImmutableSortedDictionary<string, int>? map)
    {
        if (map is null) writer.WriteNull(name);
        else if (!map.IsEmpty)
        {
            writer.WriteStartObject(name);
            foreach (var (key, value) in map) writer.WriteNumber(key, value);
            writer.WriteEndObject();
        }
    }

    /// <summary>A value seldom in a document, left to the serializer (same options, so the same bytes); left out when null.</summary>
    private static void Serialized<T>(Utf8JsonWriter writer, ReadOnlySpan<byte> name, T? value)
        where T : class
    {
        if (value is null) return;
        writer.WritePropertyName(name);
        JsonSerializer.Serialize(writer, value, StoredDocumentFormat.Options);
    }
}
