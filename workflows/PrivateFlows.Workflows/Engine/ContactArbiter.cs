using System.Collections.Immutable;
using System.Globalization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Decides whether a send may go now, across all of the customer's journeys: consent first (never bypassed),
/// then quiet hours and frequency caps for marketing messages.
/// </summary>
public static class ContactArbiter
{
    public static ContactCheck Check(CustomerProfile profile, ImmutableArray<SendRecord> recent, string channel, SendCategory category, DateTimeOffset now, ContactPolicy policy)
    {
        var marketing = category == SendCategory.Marketing;
        if (channel != Channels.Webhook && !profile.HasConsent(channel, marketing))
        {
            var why = profile.Channels.TryGetValue(channel, out var c)
                ? $"no {(marketing ? "marketing " : "")}consent for {channel} ({c.Source}, {c.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"
                : $"no consent for {channel}";
            return new ContactCheck(false, ContactBlock.Consent, why, null);
        }

        if (!marketing) return ContactCheck.Ok;

        if (policy.QuietStart is { } qs && policy.QuietEnd is { } qe && CustomerClock.InWindow(now, qs, qe, profile.TimeZone))
        {
            var end = CustomerClock.NextTimeOfDay(now, qe, profile.TimeZone);
            return new ContactCheck(false, ContactBlock.QuietHours, $"quiet hours {qs:HH\\:mm}–{qe:HH\\:mm} in {profile.TimeZone}", end);
        }

        foreach (var cap in policy.Caps)
        {
            if (cap.Category != category || (cap.Channel != "*" && cap.Channel != channel)) continue;
            var inWindow = recent
                .Where(s => s.Category == cap.Category && (cap.Channel == "*" || s.Channel == cap.Channel) && s.At > now - cap.Window)
                .OrderBy(s => s.At)
                .ToList();
            if (inWindow.Count >= cap.Max)
            {
                var frees = inWindow[inWindow.Count - cap.Max].At + cap.Window;
                var scope = cap.Channel == "*" ? "all channels" : cap.Channel;
                return new ContactCheck(false, ContactBlock.FrequencyCap, $"frequency cap {cap.Max} {category.ToString().ToLowerInvariant()} per {Duration.Format(cap.Window)} on {scope} reached", frees);
            }
        }

        return ContactCheck.Ok;
    }
}
