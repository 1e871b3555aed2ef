using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// Reads a customer's stored state (formats 1 and 2) by hand into what the serializer builds with
/// <see cref="StoredDocumentFormat.Options"/>: a missing member keeps its initializer, a present collection is built
/// as the serializer builds it (sorted collections with the default comparer), unknown members are skipped, a
/// missing required member fails. Without the serializer's metadata, buffering of immutable collections and
/// constructor-argument state. Values rarely present (recall, referral, refunds, the entry event's data) go to the
/// serializer. The tests compare both readers.
/// </summary>
internal static class StoredStateReader
{
    private static readonly CustomerProfile BlankProfile = new() { CustomerId = "" };
    private static readonly LoyaltyAccount BlankLoyalty = new();
    private static readonly Activity BlankActivity = new();
    private static readonly Fingerprints BlankFingerprints = new();

    private delegate T ReadValue<out T>(ref Utf8JsonReader reader);

    /// <summary>
    /// The state, with the customer's id put into instances that leave it out (format 2) when the profile comes
    /// before them; <see cref="StoredDocumentFormat"/> restores the rest.
    /// </summary>
    public static CustomerState? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        CustomerProfile? profile = null;
        var hasProfile = false;
        ImmutableArray<JourneyInstance>? instances = null;
        ImmutableArray<SendRecord>? sends = null;
        ImmutableSortedDictionary<string, DateTimeOffset>? lastEntered = null;
        var hasLastEntered = false;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("profile"u8))
            {
                reader.Read();
                profile = Profile(ref reader);
                hasProfile = true;
            }
            else if (reader.ValueTextEquals("instances"u8))
            {
                reader.Read();
                var customerId = profile?.CustomerId;
                instances = Array(ref reader, (ref Utf8JsonReader r) => Instance(ref r, customerId));
            }
            else if (reader.ValueTextEquals("recentSends"u8))
            {
                reader.Read();
                sends = Array(ref reader, Send);
            }
            else if (reader.ValueTextEquals("lastEntered"u8))
            {
                reader.Read();
                lastEntered = Map(ref reader, Time);
                hasLastEntered = true;
            }
            else Skip(ref reader);
        }

        if (!hasProfile) throw Missing("profile", "CustomerState");
        var state = new CustomerState { Profile = profile! };
        return state with
        {
            Instances = instances ?? state.Instances,
            RecentSends = sends ?? state.RecentSends,
            LastEntered = hasLastEntered ? lastEntered! : state.LastEntered,
        };
    }

    private static CustomerProfile? Profile(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        var p = BlankProfile;
        string? customerId = null;
        var hasCustomerId = false;
        string? name = null, email = null, phone = null, birthday = null;
        var locale = p.Locale;
        var timeZone = p.TimeZone;
        var tier = p.Tier;
        var channels = p.Channels;
        var tags = p.Tags;
        var attributes = p.Attributes;
        var orders = p.Orders;
        var points = p.Points;
        var loyalty = p.Loyalty;
        var activity = p.Activity;
        var fingerprints = p.Fingerprints;
        Recall? lastRecall = null;
        ReferredBy? referredBy = null;
        DateTimeOffset? registeredAt = null, lastActiveAt = null;
        var externalIds = p.ExternalIds;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("customerId"u8))
            {
                customerId = String(ref reader);
                hasCustomerId = true;
            }
            else if (reader.ValueTextEquals("name"u8)) name = String(ref reader);
            else if (reader.ValueTextEquals("email"u8)) email = String(ref reader);
            else if (reader.ValueTextEquals("phone"u8)) phone = String(ref reader);
            else if (reader.ValueTextEquals("locale"u8)) locale = String(ref reader);
            else if (reader.ValueTextEquals("timeZone"u8)) timeZone = String(ref reader);
            else if (reader.ValueTextEquals("birthday"u8)) birthday = String(ref reader);
            else if (reader.ValueTextEquals("channels"u8))
            {
                reader.Read();
                channels = Map(ref reader, Consent)!;
            }
            else if (reader.ValueTextEquals("tags"u8))
            {
                reader.Read();
                tags = Set(ref reader)!;
            }
            else if (reader.ValueTextEquals("attributes"u8))
            {
                reader.Read();
                attributes = Map(ref reader, StringValue)!;
            }
            else if (reader.ValueTextEquals("orders"u8))
            {
                reader.Read();
                orders = Orders(ref reader)!;
            }
            else if (reader.ValueTextEquals("points"u8)) points = Int64(ref reader);
            else if (reader.ValueTextEquals("tier"u8)) tier = String(ref reader);
            else if (reader.ValueTextEquals("loyalty"u8))
            {
                reader.Read();
                loyalty = Loyalty(ref reader)!;
            }
            else if (reader.ValueTextEquals("activity"u8))
            {
                reader.Read();
                activity = Activity(ref reader)!;
            }
            else if (reader.ValueTextEquals("fingerprints"u8))
            {
                reader.Read();
                fingerprints = Fingerprints(ref reader)!;
            }
            else if (reader.ValueTextEquals("lastRecall"u8)) lastRecall = Serialized<Recall>(ref reader);
            else if (reader.ValueTextEquals("referredBy"u8)) referredBy = Serialized<ReferredBy>(ref reader);
            else if (reader.ValueTextEquals("registeredAt"u8)) registeredAt = NullableTime(ref reader);
            else if (reader.ValueTextEquals("lastActiveAt"u8)) lastActiveAt = NullableTime(ref reader);
            else if (reader.ValueTextEquals("externalIds"u8))
            {
                reader.Read();
                externalIds = Map(ref reader, StringValue)!;
            }
            else Skip(ref reader);
        }

        if (!hasCustomerId) throw Missing("customerId", "CustomerProfile");
        return new CustomerProfile
        {
            CustomerId = customerId!,
            Name = name,
            Email = email,
            Phone = phone,
            Locale = locale!,
            TimeZone = timeZone!,
            Birthday = birthday,
            Channels = channels,
            Tags = tags,
            Attributes = attributes,
            Orders = orders,
            Points = points,
            Tier = tier!,
            Loyalty = loyalty,
            Activity = activity,
            Fingerprints = fingerprints,
            LastRecall = lastRecall,
            ReferredBy = referredBy,
            RegisteredAt = registeredAt,
            LastActiveAt = lastActiveAt,
            ExternalIds = externalIds,
        };
    }

    private static ChannelConsent? Consent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        bool granted = false, marketing = false;
        string? source = null, address = null;
        DateTimeOffset at = default;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("granted"u8)) granted = Boolean(ref reader);
            else if (reader.ValueTextEquals("marketing"u8)) marketing = Boolean(ref reader);
            else if (reader.ValueTextEquals("source"u8)) source = String(ref reader);
            else if (reader.ValueTextEquals("at"u8)) at = TimeMember(ref reader);
            else if (reader.ValueTextEquals("address"u8)) address = String(ref reader);
            else Skip(ref reader);
        }

        return new ChannelConsent(granted, marketing, source!, at, address);
    }

    private static OrdersSummary? Orders(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        var count = 0;
        decimal total = 0m, refunded = 0m;
        DateTimeOffset? firstAt = null, lastAt = null, lastRefundAt = null;
        var refunds = 0;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("count"u8)) count = Int32(ref reader);
            else if (reader.ValueTextEquals("total"u8)) total = Decimal(ref reader);
            else if (reader.ValueTextEquals("refunded"u8)) refunded = Decimal(ref reader);
            else if (reader.ValueTextEquals("firstAt"u8)) firstAt = NullableTime(ref reader);
            else if (reader.ValueTextEquals("lastAt"u8)) lastAt = NullableTime(ref reader);
            else if (reader.ValueTextEquals("refunds"u8)) refunds = Int32(ref reader);
            else if (reader.ValueTextEquals("lastRefundAt"u8)) lastRefundAt = NullableTime(ref reader);
            else Skip(ref reader);
        }

        return new OrdersSummary(count, total, refunded, firstAt, lastAt) { Refunds = refunds, LastRefundAt = lastRefundAt };
    }

    private static LoyaltyAccount? Loyalty(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        var a = BlankLoyalty;
        var lots = a.Lots;
        var debt = a.Debt;
        var applied = a.Applied;
        var months = a.Months;
        var orders = a.Orders;
        var dailyCounts = a.DailyCounts;
        DateTimeOffset? tierSince = null, nextTierReview = null, timerAt = null;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("lots"u8))
            {
                reader.Read();
                lots = Array(ref reader, Lot);
            }
            else if (reader.ValueTextEquals("debt"u8)) debt = Int64(ref reader);
            else if (reader.ValueTextEquals("applied"u8))
            {
                reader.Read();
                applied = Map(ref reader, Time)!;
            }
            else if (reader.ValueTextEquals("months"u8))
            {
                reader.Read();
                months = Map(ref reader, Month)!;
            }
            else if (reader.ValueTextEquals("orders"u8))
            {
                reader.Read();
                orders = Map(ref reader, Order)!;
            }
            else if (reader.ValueTextEquals("dailyCounts"u8))
            {
                reader.Read();
                dailyCounts = Map(ref reader, Int32Value)!;
            }
            else if (reader.ValueTextEquals("tierSince"u8)) tierSince = NullableTime(ref reader);
            else if (reader.ValueTextEquals("nextTierReview"u8)) nextTierReview = NullableTime(ref reader);
            else if (reader.ValueTextEquals("timerAt"u8)) timerAt = NullableTime(ref reader);
            else Skip(ref reader);
        }

        return new LoyaltyAccount
        {
            Lots = lots,
            Debt = debt,
            Applied = applied,
            Months = months,
            Orders = orders,
            DailyCounts = dailyCounts,
            TierSince = tierSince,
            NextTierReview = nextTierReview,
            TimerAt = timerAt,
        };
    }

    private static PointsLot? Lot(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        string? entryId = null;
        DateTimeOffset earnedAt = default;
        DateTimeOffset? expiresAt = null;
        long points = 0, remaining = 0;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("entryId"u8)) entryId = String(ref reader);
            else if (reader.ValueTextEquals("earnedAt"u8)) earnedAt = TimeMember(ref reader);
            else if (reader.ValueTextEquals("expiresAt"u8)) expiresAt = NullableTime(ref reader);
            else if (reader.ValueTextEquals("points"u8)) points = Int64(ref reader);
            else if (reader.ValueTextEquals("remaining"u8)) remaining = Int64(ref reader);
            else Skip(ref reader);
        }

        return new PointsLot(entryId!, earnedAt, expiresAt, points, remaining);
    }

    private static MonthTotals? Month(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        long points = 0;
        var spend = 0m;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("points"u8)) points = Int64(ref reader);
            else if (reader.ValueTextEquals("spend"u8)) spend = Decimal(ref reader);
            else Skip(ref reader);
        }

        return new MonthTotals(points, spend);
    }

    private static OrderPoints? Order(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        string? orderId = null, eventId = null;
        DateTimeOffset at = default;
        var amount = 0m;
        long points = 0, clawedBack = 0;
        ImmutableSortedDictionary<string, OrderRefund>? refunds = null;
        var hasRefunds = false;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("orderId"u8)) orderId = String(ref reader);
            else if (reader.ValueTextEquals("eventId"u8)) eventId = String(ref reader);
            else if (reader.ValueTextEquals("at"u8)) at = TimeMember(ref reader);
            else if (reader.ValueTextEquals("amount"u8)) amount = Decimal(ref reader);
            else if (reader.ValueTextEquals("points"u8)) points = Int64(ref reader);
            else if (reader.ValueTextEquals("clawedBack"u8)) clawedBack = Int64(ref reader);
            else if (reader.ValueTextEquals("refunds"u8))
            {
                refunds = Serialized<ImmutableSortedDictionary<string, OrderRefund>>(ref reader);
                hasRefunds = true;
            }
            else Skip(ref reader);
        }

        var order = new OrderPoints(orderId!) { EventId = eventId, At = at, Amount = amount, Points = points, ClawedBack = clawedBack };
        return hasRefunds ? order with { Refunds = refunds! } : order;
    }

    private static Activity? Activity(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        var a = BlankActivity;
        var counts = a.Counts;
        var checkIns = a.CheckIns;
        DateTimeOffset? lastCheckInAt = null;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("counts"u8))
            {
                reader.Read();
                counts = Map(ref reader, Int32Value)!;
            }
            else if (reader.ValueTextEquals("checkIns"u8))
            {
                reader.Read();
                checkIns = Map(ref reader, Time)!;
            }
            else if (reader.ValueTextEquals("lastCheckInAt"u8)) lastCheckInAt = NullableTime(ref reader);
            else Skip(ref reader);
        }

        return new Activity { Counts = counts, CheckIns = checkIns, LastCheckInAt = lastCheckInAt };
    }

    private static Fingerprints? Fingerprints(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        var f = BlankFingerprints;
        var deviceIds = f.DeviceIds;
        var phones = f.Phones;
        var payments = f.PaymentFingerprints;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("deviceIds"u8))
            {
                reader.Read();
                deviceIds = Set(ref reader)!;
            }
            else if (reader.ValueTextEquals("phones"u8))
            {
                reader.Read();
                phones = Set(ref reader)!;
            }
            else if (reader.ValueTextEquals("paymentFingerprints"u8))
            {
                reader.Read();
                payments = Set(ref reader)!;
            }
            else Skip(ref reader);
        }

        return new Fingerprints { DeviceIds = deviceIds, Phones = phones, PaymentFingerprints = payments };
    }

    /// <summary>An instance; a missing customer id and entry subject are the document's customer when known here.</summary>
    private static JourneyInstance? Instance(ref Utf8JsonReader reader, string? documentCustomer)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        string? instanceId = null, customerId = null, journey = null, version = null, stepId = null, variant = null, error = null;
        CustomerEvent? entryEvent = null;
        DateTimeOffset startedAt = default;
        bool hasInstanceId = false, hasJourney = false, hasVersion = false, hasEntryEvent = false, hasStartedAt = false;
        var status = InstanceStatus.Active;
        Waiting? waiting = null;
        ImmutableArray<DeferredSend>? deferred = null;
        ImmutableSortedDictionary<string, string>? vars = null;
        var hasVars = false;
        int sequence = 0, historyCount = 0;
        DateTimeOffset? goalDeadline = null, endedAt = null;
        InstanceOutcome? outcome = null;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("instanceId"u8))
            {
                instanceId = String(ref reader);
                hasInstanceId = true;
            }
            else if (reader.ValueTextEquals("customerId"u8)) customerId = String(ref reader);
            else if (reader.ValueTextEquals("journey"u8))
            {
                journey = String(ref reader);
                hasJourney = true;
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                version = String(ref reader);
                hasVersion = true;
            }
            else if (reader.ValueTextEquals("entryEvent"u8))
            {
                reader.Read();
                entryEvent = Event(ref reader, documentCustomer);
                hasEntryEvent = true;
            }
            else if (reader.ValueTextEquals("startedAt"u8))
            {
                startedAt = TimeMember(ref reader);
                hasStartedAt = true;
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                status = SnakeCaseEnum<InstanceStatus>.Read(ref reader);
            }
            else if (reader.ValueTextEquals("stepId"u8)) stepId = String(ref reader);
            else if (reader.ValueTextEquals("waiting"u8))
            {
                reader.Read();
                waiting = Waiting(ref reader);
            }
            else if (reader.ValueTextEquals("deferredSends"u8))
            {
                reader.Read();
                deferred = Array(ref reader, Deferred);
            }
            else if (reader.ValueTextEquals("variant"u8)) variant = String(ref reader);
            else if (reader.ValueTextEquals("vars"u8))
            {
                reader.Read();
                vars = Map(ref reader, StringValue);
                hasVars = true;
            }
            else if (reader.ValueTextEquals("sequence"u8)) sequence = Int32(ref reader);
            else if (reader.ValueTextEquals("historyCount"u8)) historyCount = Int32(ref reader);
            else if (reader.ValueTextEquals("goalDeadline"u8)) goalDeadline = NullableTime(ref reader);
            else if (reader.ValueTextEquals("outcome"u8))
            {
                reader.Read();
                outcome = reader.TokenType == JsonTokenType.Null ? null : SnakeCaseEnum<InstanceOutcome>.Read(ref reader);
            }
            else if (reader.ValueTextEquals("endedAt"u8)) endedAt = NullableTime(ref reader);
            else if (reader.ValueTextEquals("error"u8)) error = String(ref reader);
            else Skip(ref reader);
        }

        if (!hasInstanceId) throw Missing("instanceId", "JourneyInstance");
        if (!hasJourney) throw Missing("journey", "JourneyInstance");
        if (!hasVersion) throw Missing("version", "JourneyInstance");
        if (!hasEntryEvent) throw Missing("entryEvent", "JourneyInstance");
        if (!hasStartedAt) throw Missing("startedAt", "JourneyInstance");
        var instance = new JourneyInstance
        {
            InstanceId = instanceId!,
            CustomerId = customerId ?? documentCustomer!,
            Journey = journey!,
            Version = version!,
            EntryEvent = entryEvent!,
            StartedAt = startedAt,
            Status = status,
            StepId = stepId,
            Waiting = waiting,
            Variant = variant,
            Sequence = sequence,
            HistoryCount = historyCount,
            GoalDeadline = goalDeadline,
            Outcome = outcome,
            EndedAt = endedAt,
            Error = error,
        };
        if (deferred is { } d) instance = instance with { DeferredSends = d };
        return hasVars ? instance with { Vars = vars! } : instance;
    }

    private static CustomerEvent? Event(ref Utf8JsonReader reader, string? documentCustomer)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        string? id = null, type = null, subject = null;
        var source = StoredStateWriter.DefaultSource;
        DateTimeOffset time = default;
        JsonObject? data = null;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("id"u8)) id = String(ref reader);
            else if (reader.ValueTextEquals("type"u8)) type = String(ref reader);
            else if (reader.ValueTextEquals("subject"u8)) subject = String(ref reader);
            else if (reader.ValueTextEquals("time"u8)) time = TimeMember(ref reader);
            else if (reader.ValueTextEquals("data"u8)) data = Serialized<JsonObject>(ref reader);
            else if (reader.ValueTextEquals("source"u8)) source = String(ref reader);
            else Skip(ref reader);
        }

        return new CustomerEvent(id!, type!, subject ?? documentCustomer!, time, data!, source!);
    }

    private static Waiting? Waiting(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        string? timerId = null, eventType = null;
        DateTimeOffset? until = null;
        ImmutableSortedDictionary<string, string>? match = null;
        var hasMatch = false;
        var reason = WaitingReason.Wait;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("timerId"u8)) timerId = String(ref reader);
            else if (reader.ValueTextEquals("until"u8)) until = NullableTime(ref reader);
            else if (reader.ValueTextEquals("eventType"u8)) eventType = String(ref reader);
            else if (reader.ValueTextEquals("match"u8))
            {
                reader.Read();
                match = Map(ref reader, StringValue);
                hasMatch = true;
            }
            else if (reader.ValueTextEquals("reason"u8))
            {
                reader.Read();
                reason = SnakeCaseEnum<WaitingReason>.Read(ref reader);
            }
            else Skip(ref reader);
        }

        var waiting = new Waiting { TimerId = timerId, Until = until, EventType = eventType, Reason = reason };
        return hasMatch ? waiting with { Match = match! } : waiting;
    }

    private static DeferredSend? Deferred(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        string? timerId = null, stepId = null;
        DateTimeOffset since = default, dueAt = default;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("timerId"u8)) timerId = String(ref reader);
            else if (reader.ValueTextEquals("stepId"u8)) stepId = String(ref reader);
            else if (reader.ValueTextEquals("since"u8)) since = TimeMember(ref reader);
            else if (reader.ValueTextEquals("dueAt"u8)) dueAt = TimeMember(ref reader);
            else Skip(ref reader);
        }

        return new DeferredSend(timerId!, stepId!, since, dueAt);
    }

    private static SendRecord? Send(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        DateTimeOffset at = default;
        string? channel = null, journey = null, effectId = null;
        var category = SendCategory.Marketing;
        while (Next(ref reader))
        {
            if (reader.ValueTextEquals("at"u8)) at = TimeMember(ref reader);
            else if (reader.ValueTextEquals("channel"u8)) channel = String(ref reader);
            else if (reader.ValueTextEquals("category"u8))
            {
                reader.Read();
                category = SnakeCaseEnum<SendCategory>.Read(ref reader);
            }
            else if (reader.ValueTextEquals("journey"u8)) journey = String(ref reader);
            else if (reader.ValueTextEquals("effectId"u8)) effectId = String(ref reader);
            else Skip(ref reader);
        }

        return new SendRecord(at, channel!, category, journey!, effectId!);
    }

    /// <summary>Moves to the next member's name; false at the end of the object.</summary>
    private static bool Next(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.PropertyName) return true;
        Expect(ref reader, JsonTokenType.EndObject);
        return false;
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token) throw new JsonException($"{token} expected in a customer document, {reader.TokenType} found");
    }

    private static JsonException Missing(string member, string type) => new($"a {type} without its required member '{member}'");

    private static string? String(ref Utf8JsonReader reader)
    {
        reader.Read();
        return StringValue(ref reader);
    }

    private static string? StringValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null)) throw new JsonException($"a string expected in a customer document, {reader.TokenType} found");
        return reader.GetString();
    }

    private static bool Boolean(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetBoolean();
    }

    private static int Int32(ref Utf8JsonReader reader)
    {
        reader.Read();
        return Int32Value(ref reader);
    }

    private static int Int32Value(ref Utf8JsonReader reader) => reader.GetInt32();

    private static long Int64(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetInt64();
    }

    private static decimal Decimal(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetDecimal();
    }

    private static DateTimeOffset TimeMember(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetDateTimeOffset();
    }

    private static DateTimeOffset Time(ref Utf8JsonReader reader) => reader.GetDateTimeOffset();

    private static DateTimeOffset? NullableTime(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
    }

    /// <summary>A value seldom in a document, left to the serializer with the same options.</summary>
    private static T? Serialized<T>(ref Utf8JsonReader reader)
    {
        reader.Read();
        return JsonSerializer.Deserialize<T>(ref reader, StoredDocumentFormat.Options);
    }

    private static ImmutableArray<T> Array<T>(ref Utf8JsonReader reader, ReadValue<T?> value)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var items = ImmutableArray.CreateBuilder<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(value(ref reader)!); // a null item stays null, as the serializer reads it
        return items.Count == items.Capacity ? items.MoveToImmutable() : items.ToImmutable();
    }

    /// <summary>As the serializer builds it: the default comparer, a repeated key's last value.</summary>
    private static ImmutableSortedDictionary<string, T>? Map<T>(ref Utf8JsonReader reader, ReadValue<T?> value)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartObject);
        var map = ImmutableSortedDictionary.CreateBuilder<string, T>();
        while (Next(ref reader))
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = value(ref reader)!;
        }

        return map.ToImmutable();
    }

    private static ImmutableSortedSet<string>? Set(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        Expect(ref reader, JsonTokenType.StartArray);
        var set = ImmutableSortedSet.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) set.Add(StringValue(ref reader)!);
        return set.ToImmutable();
    }
}
