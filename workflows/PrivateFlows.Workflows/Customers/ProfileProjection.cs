using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Workflows.Customers;

/// <summary>
/// How each event changes what we know about the customer: details, consent, orders, activity counters and
/// check-in days, device/phone/payment fingerprints, comebacks after dormancy, and the referral link.
/// Points and tiers are the loyalty program's (<c>Loyalty.PointsEarning</c>). Pure: the event's own time is the only clock.
/// </summary>
public static class ProfileProjection
{
    public static CustomerProfile Apply(CustomerProfile profile, CustomerEvent e) => Apply(profile, e, CustomerProgram.Default);

    /// <summary>Applies the event; <paramref name="program"/>'s lifecycle thresholds decide whether an order is a comeback.</summary>
    public static CustomerProfile Apply(CustomerProfile profile, CustomerEvent e, CustomerProgram program)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(program);
        var p = profile;
        switch (e.Type)
        {
            case EventTypes.Registered:
                p = Details(p, e) with { RegisteredAt = p.RegisteredAt ?? e.Time, LastActiveAt = Later(p.LastActiveAt, e.Time) };
                break;
            case EventTypes.ProfileUpdated:
                p = Details(p, e);
                break;
            case EventTypes.OrderCompleted:
                var amount = Loyalty.PointsLimits.ClampAmount(e.DataDecimal("amount") ?? 0m);
                var o = p.Orders;
                if (o.Count > 0 && o.LastAt is { } previous && previous < e.Time)
                {
                    var before = Lifecycle.Stage(p, e.Time, program.Lifecycle);
                    if (before is LifecycleStages.Dormant or LifecycleStages.Churned)
                    {
                        p = p with { LastRecall = new Recall(e.Time, before, Lifecycle.WholeDays(previous, e.Time)) };
                    }
                }

                if (p.ReferredBy is { } referred && amount > 0m && e.Time >= referred.AcceptedAt && !(referred.FirstPaidOrderAt <= e.Time))
                {
                    p = p with { ReferredBy = referred with { FirstPaidOrderAt = e.Time } };
                }

                p = p with
                {
                    Orders = o with
                    {
                        Count = o.Count + 1,
                        Total = Loyalty.PointsLimits.ClampAmount(o.Total + amount),
                        FirstAt = o.FirstAt is { } f && f <= e.Time ? f : e.Time,
                        LastAt = Later(o.LastAt, e.Time),
                    },
                    LastActiveAt = Later(p.LastActiveAt, e.Time),
                };
                break;
            case EventTypes.OrderRefunded:
                p = p with
                {
                    Orders = p.Orders with
                    {
                        Refunded = Loyalty.PointsLimits.ClampAmount(p.Orders.Refunded + Loyalty.PointsLimits.ClampAmount(e.DataDecimal("amount") ?? 0m)),
                        Refunds = p.Orders.Refunds + 1,
                        LastRefundAt = Later(p.Orders.LastRefundAt, e.Time),
                    },
                };
                // Money back (a refund of 0 is not) after the referral counts for the referral's anti-fraud check.
                if (p.ReferredBy is { } refunding && e.Time >= refunding.AcceptedAt && !(refunding.FirstRefundAt <= e.Time) && !(e.DataDecimal("amount") <= 0m))
                {
                    p = p with { ReferredBy = refunding with { FirstRefundAt = e.Time } };
                }

                break;
            case EventTypes.ReferralAccepted:
                p = Referred(p, e);
                break;
            case EventTypes.Unsubscribed:
                var only = e.DataString("channel");
                var channels = p.Channels;
                foreach (var (name, consent) in p.Channels)
                {
                    if (only is null || only == name) channels = channels.SetItem(name, consent with { Marketing = false, Source = "unsubscribe", At = e.Time });
                }

                if (only is not null && !channels.ContainsKey(only))
                {
                    channels = channels.SetItem(only, new ChannelConsent(false, false, "unsubscribe", e.Time));
                }

                p = p with { Channels = channels };
                break;
            case EventTypes.ConsentChanged:
                var channel = e.DataString("channel");
                if (channel is not null)
                {
                    var granted = Bool(e.Data, "granted") ?? false;
                    var marketing = Bool(e.Data, "marketing") ?? granted;
                    var existing = p.Channels.GetValueOrDefault(channel);
                    p = p with { Channels = p.Channels.SetItem(channel, new ChannelConsent(granted, granted && marketing, e.DataString("source") ?? "consent_changed", e.Time, existing?.Address)) };
                }

                break;
        }

        if (EventTypes.Interactions.Contains(e.Type))
        {
            p = p with { LastActiveAt = Later(p.LastActiveAt, e.Time), Activity = p.Activity.Record(e, p.TimeZone) };
        }

        var prints = p.Fingerprints.With(e);
        if (prints != p.Fingerprints) p = p with { Fingerprints = prints };
        return p;
    }

    /// <summary>Links the referee to the referrer; the earliest accepted referral wins, whatever the arrival order.</summary>
    private static CustomerProfile Referred(CustomerProfile p, CustomerEvent e)
    {
        var referrer = e.DataString("referrerId");
        if (string.IsNullOrWhiteSpace(referrer)) return p with { LastActiveAt = Later(p.LastActiveAt, e.Time) };
        var existing = p.ReferredBy;
        if (existing is not null && (existing.AcceptedAt < e.Time || (existing.AcceptedAt == e.Time && string.CompareOrdinal(existing.EventId, e.Id) <= 0)))
        {
            return p with { LastActiveAt = Later(p.LastActiveAt, e.Time) };
        }

        var link = new ReferredBy
        {
            ReferrerId = referrer,
            Code = e.DataString("referralCode"),
            AcceptedAt = e.Time,
            EventId = e.Id,
            FirstPaidOrderAt = existing?.FirstPaidOrderAt is { } paid && paid >= e.Time ? paid : null,
            FirstRefundAt = existing?.FirstRefundAt is { } refund && refund >= e.Time ? refund : null,
            Reward = existing?.Reward,
        };
        return p with { ReferredBy = link, LastActiveAt = Later(p.LastActiveAt, e.Time) };
    }

    private static CustomerProfile Details(CustomerProfile p, CustomerEvent e)
    {
        p = p with
        {
            Name = e.DataString("name") ?? p.Name,
            Email = e.DataString("email") ?? p.Email,
            Phone = e.DataString("phone") ?? p.Phone,
            Locale = e.DataString("locale") ?? p.Locale,
            TimeZone = e.DataString("timeZone") ?? p.TimeZone,
            Birthday = Birthdays.Valid(e.DataString("birthday")) ?? p.Birthday, // "13-45" is no birthday: keep what we knew
        };
        if (e.Data["channels"] is JsonObject channels)
        {
            var map = p.Channels;
            foreach (var (name, value) in channels)
            {
                var (granted, marketing) = value switch
                {
                    JsonValue v when v.TryGetValue<bool>(out var b) => (b, b),
                    JsonObject o => (Bool(o, "granted") ?? true, Bool(o, "marketing") ?? Bool(o, "granted") ?? true),
                    _ => (false, false),
                };
                map = map.SetItem(name, new ChannelConsent(granted, granted && marketing, e.Type, e.Time, map.GetValueOrDefault(name)?.Address));
            }

            p = p with { Channels = map };
        }

        if (e.Data["attributes"] is JsonObject attributes)
        {
            p = p with { Attributes = p.Attributes.SetItems(attributes.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.ToString() ?? ""))) };
        }

        if (e.Data["tags"] is JsonArray tags)
        {
            p = p with { Tags = p.Tags.Union(tags.Select(t => t?.ToString()).OfType<string>()) };
        }

        if (e.Data["removeTags"] is JsonArray removed)
        {
            p = p with { Tags = p.Tags.Except(removed.Select(t => t?.ToString()).OfType<string>()) };
        }

        return p;
    }

    private static bool? Bool(JsonObject o, string field) =>
        o[field] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}
