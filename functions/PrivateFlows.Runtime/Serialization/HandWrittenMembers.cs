using System.Text.Json;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// The members <see cref="StoredStateReader"/>, <see cref="StoredStateWriter"/> and <see cref="PendingEffectsWriter"/>
/// read and write, per type. A member added to one of these types (in workflows) that they were not taught would be
/// lost by them, so <see cref="StoredDocumentFormat"/> checks the serializer's members against this list once and goes
/// back to the serializer for every document when they differ: slower, never wrong. A test fails meanwhile.
/// </summary>
internal static class HandWrittenMembers
{
    public static IReadOnlyDictionary<Type, string[]> Known { get; } = new Dictionary<Type, string[]>
    {
        [typeof(CustomerState)] = ["profile", "instances", "recentSends", "lastEntered"],
        [typeof(CustomerProfile)] =
        [
            "customerId", "name", "email", "phone", "locale", "timeZone", "birthday", "channels", "tags", "attributes", "orders",
            "points", "tier", "loyalty", "activity", "fingerprints", "lastRecall", "referredBy", "registeredAt", "lastActiveAt", "externalIds",
        ],
        [typeof(ChannelConsent)] = ["granted", "marketing", "source", "at", "address"],
        [typeof(OrdersSummary)] = ["count", "total", "refunded", "firstAt", "lastAt", "refunds", "lastRefundAt"],
        [typeof(LoyaltyAccount)] = ["lots", "debt", "applied", "months", "orders", "dailyCounts", "tierSince", "nextTierReview", "timerAt"],
        [typeof(PointsLot)] = ["entryId", "earnedAt", "expiresAt", "points", "remaining"],
        [typeof(MonthTotals)] = ["points", "spend"],
        [typeof(OrderPoints)] = ["orderId", "eventId", "at", "amount", "points", "clawedBack", "refunds"],
        [typeof(Activity)] = ["counts", "checkIns", "lastCheckInAt"],
        [typeof(Fingerprints)] = ["deviceIds", "phones", "paymentFingerprints"],
        [typeof(JourneyInstance)] =
        [
            "instanceId", "customerId", "journey", "version", "entryEvent", "startedAt", "status", "stepId", "waiting", "deferredSends",
            "variant", "vars", "sequence", "historyCount", "goalDeadline", "outcome", "endedAt", "error",
        ],
        [typeof(CustomerEvent)] = ["id", "type", "subject", "time", "data", "source"],
        [typeof(Waiting)] = ["timerId", "until", "eventType", "match", "reason"],
        [typeof(DeferredSend)] = ["timerId", "stepId", "since", "dueAt"],
        [typeof(SendRecord)] = ["at", "channel", "category", "journey", "effectId"],
        [typeof(SendMessage)] = ["instanceId", "journey", "stepId", "channel", "category", "template", "locale", "subject", "body", "address", "effectId", "customerId"],
    };

    /// <summary>The types whose members the serializer (with <paramref name="options"/>) writes differently from <see cref="Known"/>.</summary>
    public static IReadOnlyList<Type> Differing(JsonSerializerOptions options) =>
        [.. Known.Where(k => !options.GetTypeInfo(k.Key).Properties.Select(p => p.Name).SequenceEqual(k.Value, StringComparer.Ordinal)).Select(k => k.Key)];
}
