using System.Globalization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// The texts ops read in an instance's history ("why didn't she get the coupon?"), in one place so their wording
/// stays consistent. Stores, explain and the dashboard show them verbatim, so a change here is a visible change.
/// </summary>
internal static class HistoryWording
{
    /// <summary>Times in history are UTC to the second, the same everywhere (ops compare them across customers).</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string VersionLabel(JourneyVersion version) => version.Number > 0 ? $"{version.Number} ({version.Version})" : version.Version;

    // ── lifecycle ──────────────────────────────────────────────────────────

    public static string Entered(CustomerEvent entry, JourneyVersion version) => $"entered on {entry.Type} ({entry.Id}), version {VersionLabel(version)}";

    public static string GoalReached(GoalSpec goal, CustomerEvent e) => $"goal {goal.Event} ({e.Id}) within {Duration.Format(goal.Within)}";

    public static string ExitEvent(CustomerEvent e) => $"exit event {e.Type} ({e.Id})";

    public static string Ended(InstanceOutcome outcome, string detail) => $"{outcome.ToString().ToLowerInvariant()}: {detail}";

    public static string EndedAtStep(string stepId) => $"ended at step '{stepId}'";

    public const string ReachedEnd = "reached the end of the journey";

    public const string HoldoutOver = "holdout window over";

    public static string Retrying(string? stepId) => $"retrying step '{stepId}'";

    public static string StepGone(string? stepId, JourneyVersion version) => $"step '{stepId}' no longer exists in version {VersionLabel(version)}";

    public static string StepMissing(string stepId, JourneyVersion version) => $"step '{stepId}' does not exist in version {VersionLabel(version)}";

    public static string TooManySteps(int max) => $"more than {max} steps without waiting";

    // ── waiting ────────────────────────────────────────────────────────────

    public static string WaitingUntil(DateTimeOffset due) => $"until {Time(due)}";

    public static string WaitingUntilLocal(DateTimeOffset at, string timeZone) =>
        $"until {Time(at)} ({CustomerClock.ToLocal(at, timeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {CustomerClock.Describe(timeZone)})";

    public static string WaitingFor(string eventType, IReadOnlyDictionary<string, string> match, DateTimeOffset timeoutAt)
    {
        var matchText = match.Count == 0 ? "" : $" ({string.Join(", ", match.Select(m => $"{m.Key} = {m.Value}"))})";
        return $"for {eventType}{matchText} until {Time(timeoutAt)}";
    }

    public static string WaitAlreadyOver(DateTimeOffset due) => $"wait already over at {Time(due)}";

    public static string Waited(DateTimeOffset dueAt) => $"waited until {Time(dueAt)}";

    public static string EventArrived(CustomerEvent e) => $"{e.Type} ({e.Id}) arrived";

    public static string TimedOut(WaitForStep step) => $"no {step.Event} within {Duration.Format(step.Timeout)}";

    public static string HoldoutUntil(DateTimeOffset deadline) => $"holdout until the goal window ends {Time(deadline)}";

    // ── routing ────────────────────────────────────────────────────────────

    public static string BranchTaken(string when, string next) => $"{when} → {next}";

    public static string NoConditionTrue(string? next) => $"no condition true → {next ?? "end"}";

    public static string HeldOut(int holdoutPercent) => $"held out ({holdoutPercent}% holdout): receives nothing, measured against the goal";

    public const string HeldOutEnded = "held out";

    public static string Variant(SplitVariant variant) => $"variant {variant.Name} → {variant.Next}";

    public static string WinningVariant(SplitVariant variant, WinnerRule rule) => $"variant {variant.Name} → {variant.Next} (declared winner: {rule})";

    // ── sends ──────────────────────────────────────────────────────────────

    public static string Sent(string channel, string template, string locale, string? subject, string body) =>
        $"{channel} {template} [{locale}]: {(subject is null ? "" : subject + " — ")}{body}";

    public static string NotSent(string template, string reason) => $"{template} not sent: {reason}";

    public static string Dropped(string template, string reason) => $"{template} dropped: {reason}";

    public static string DroppedTooLate(string template, string reason, TimeSpan maxDeferral) =>
        $"{template} dropped: {reason}, and deferring past {Duration.Format(maxDeferral)} makes it irrelevant";

    public static string Deferred(string template, DateTimeOffset retryAt, string reason) => $"{template} deferred until {Time(retryAt)}: {reason}";

    /// <param name="what">What became of the instance: "converted", "exited", "cancelled", "failed" …</param>
    public static string NoLongerRelevant(string template, string what) => $"{template} dropped: no longer relevant, the instance {what}";

    public static string DeferredStepGone(string stepId) => $"deferred send dropped: step '{stepId}' no longer exists";

    // ── actions ────────────────────────────────────────────────────────────

    public static string AwardedPoints(long points, string reason) => $"awarded {points} points ({reason})";

    public static string IssuedCoupon(string code, decimal amount, string expiresText) =>
        $"issued coupon {code} ({Amount(amount)}{(expiresText.Length > 0 ? $", valid until {expiresText}" : "")})";

    /// <summary>A coupon's amount as customers see it (no trailing zeros); also the <c>coupon_amount</c> variable.</summary>
    public static string Amount(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Tagged(bool removed, IEnumerable<string> tags) => $"{(removed ? "removed tag" : "tagged")} {string.Join(", ", tags)}";

    public static string SetAttribute(string name, string value) => $"set {name} = {value}";

    public static string CalledWebhook(string url) => $"called webhook {url}";

    public static string ReferralPaid(long referrerPoints, string referrer, long refereePoints, string referee) =>
        $"referral reward paid: {referrerPoints} points to {referrer}, {refereePoints} points to {referee}";

    public static string ReferralHeld(string? hold) => $"referral reward held for review: {hold}";
}
