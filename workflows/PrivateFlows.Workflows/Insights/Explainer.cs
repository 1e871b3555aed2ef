using System.Collections.Immutable;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Insights;

/// <summary>Explains a customer's journey from its history alone: entered or not, and what happened at a step.</summary>
public static class Explainer
{
    public static Explanation Explain(IEnumerable<HistoryEntry> history, string journey, string? step)
    {
        var entries = history.Where(h => h.Journey == journey).OrderBy(h => h.Time).ThenBy(h => h.EntryId, StringComparer.Ordinal).ToList();
        if (entries.Count == 0)
        {
            return new Explanation(ExplanationStatus.NeverTriggered, $"no history in '{journey}': none of its entry events has been received for this customer", null, null, []);
        }

        // The latest instance is the one that matters; earlier not-entered lines explain a refusal.
        var lastEntered = entries.LastOrDefault(h => h.Kind == HistoryKind.Entered);
        var lastRefusal = entries.LastOrDefault(h => h.Kind == HistoryKind.NotEntered);
        if (lastEntered is null || (lastRefusal is not null && lastRefusal.Time > lastEntered.Time && step is null))
        {
            return new Explanation(ExplanationStatus.NotEntered, $"not entered: {lastRefusal!.Detail}", lastRefusal.InstanceId, lastRefusal.Time, [lastRefusal]);
        }

        // Prefer the latest instance that reached the step, if any did.
        var instances = entries.Where(h => h.Kind == HistoryKind.Entered).Select(h => h.InstanceId).Distinct().ToList();
        var chosen = step is null ? lastEntered.InstanceId
            : instances.LastOrDefault(id => entries.Any(h => h.InstanceId == id && h.Step == step)) ?? lastEntered.InstanceId;
        var lines = entries.Where(h => h.InstanceId == chosen).ToImmutableArray();

        if (step is not null)
        {
            var atStep = lines.Where(h => h.Step == step).ToList();
            var sent = atStep.LastOrDefault(h => h.Kind == HistoryKind.Sent);
            if (sent is not null)
            {
                var holds = HoldsBefore(atStep, sent);
                if (holds.Count == 0) return Found(ExplanationStatus.Sent, $"sent at {Format(sent.Time)}: {sent.Detail}", sent);
                var waited = string.Join("; then ", holds.Select((h, i) => $"{Reason(h)} from {Format(h.Time)} until {Format(i + 1 < holds.Count ? holds[i + 1].Time : sent.Time)}"));
                return new Explanation(ExplanationStatus.Sent, $"sent at {Format(sent.Time)} after being held ({waited}): {sent.Detail}", chosen, sent.Time,
                    lines.Where(h => h.Kind is HistoryKind.Entered or HistoryKind.Branched or HistoryKind.SplitVariant || h == sent || holds.Contains(h)).ToImmutableArray());
            }

            var suppressed = atStep.LastOrDefault(h => h.Kind == HistoryKind.Suppressed);
            if (suppressed is not null) return Found(ExplanationStatus.Suppressed, $"suppressed at {Format(suppressed.Time)}: {suppressed.Detail}", suppressed);
            var deferred = atStep.LastOrDefault(h => h.Kind == HistoryKind.Deferred);
            // A deferred send has its own timer while the journey goes on: deferred until it is sent or suppressed (above).
            if (deferred is not null) return Found(ExplanationStatus.Deferred, $"deferred: {deferred.Detail}", deferred);
            var faulted = atStep.LastOrDefault(h => h.Kind == HistoryKind.Faulted);
            if (faulted is not null) return Found(ExplanationStatus.Faulted, $"failed at step '{step}': {faulted.Detail}", faulted);
            var waitingHere = atStep.LastOrDefault(h => h.Kind == HistoryKind.Waiting);
            if (waitingHere is not null && lines[^1] == waitingHere) return Found(ExplanationStatus.Waiting, $"waiting at '{step}' {waitingHere.Detail}", waitingHere);
        }

        var last = lines[^1];
        return last.Kind switch
        {
            HistoryKind.Waiting => Found(ExplanationStatus.Waiting, $"waiting at '{last.Step}' {last.Detail}{NotYet(step)}", last),
            HistoryKind.Deferred => Found(ExplanationStatus.Deferred, $"a send is deferred: {last.Detail}{NotYet(step)}", last),
            HistoryKind.HeldOut => Found(ExplanationStatus.HeldOut, $"held out: {last.Detail}", last),
            HistoryKind.Exited => Found(ExplanationStatus.Exited, $"exited before reaching '{step ?? "the end"}': {last.Detail}", last),
            HistoryKind.GoalReached => Found(ExplanationStatus.Converted, $"converted before reaching '{step ?? "the end"}': {last.Detail}", last),
            HistoryKind.Faulted => Found(ExplanationStatus.Faulted, $"failed at '{last.Step}': {last.Detail}", last),
            HistoryKind.Cancelled => Found(ExplanationStatus.Cancelled, $"cancelled: {last.Detail}", last),
            _ when lines.Any(h => h.Kind == HistoryKind.HeldOut) => Found(ExplanationStatus.HeldOut, "held out of the journey's messages", lines.Last(h => h.Kind == HistoryKind.HeldOut)),
            _ => PathExplanation(lines, step),
        };

        Explanation Found(ExplanationStatus status, string summary, HistoryEntry evidence) =>
            new(status, summary, chosen, evidence.Time, lines.Where(h => h.Kind is HistoryKind.Entered or HistoryKind.Branched or HistoryKind.SplitVariant || h == evidence).ToImmutableArray());
    }

    private static Explanation PathExplanation(ImmutableArray<HistoryEntry> lines, string? step)
    {
        var branches = lines.Where(h => h.Kind is HistoryKind.Branched or HistoryKind.SplitVariant or HistoryKind.TimedOut or HistoryKind.EventMatched).ToList();
        var last = lines[^1];
        var summary = step is null
            ? $"{last.Kind.ToString().ToLowerInvariant()}: {last.Detail}"
            : $"the instance never reached '{step}'; the path it took: {string.Join("; ", branches.Select(b => $"{b.Step}: {b.Detail}"))}";
        return new Explanation(ExplanationStatus.TookAnotherPath, summary, last.InstanceId, last.Time, [.. branches, last]);
    }

    /// <summary>The deferrals (quiet hours, caps) at the step that held this send: after the step's previous send or suppression.</summary>
    private static List<HistoryEntry> HoldsBefore(List<HistoryEntry> atStep, HistoryEntry sent)
    {
        var index = atStep.IndexOf(sent);
        var holds = new List<HistoryEntry>();
        for (var i = index - 1; i >= 0 && atStep[i].Kind is not (HistoryKind.Sent or HistoryKind.Suppressed); i--)
        {
            if (atStep[i].Kind == HistoryKind.Deferred) holds.Insert(0, atStep[i]);
        }

        return holds;
    }

    /// <summary>The hold reason of a deferred line ("… deferred until …: quiet hours 21:00–09:00 in Asia/Shanghai").</summary>
    private static string Reason(HistoryEntry deferred)
    {
        var at = deferred.Detail.IndexOf(" deferred until ", StringComparison.Ordinal);
        var colon = at < 0 ? -1 : deferred.Detail.IndexOf(": ", at, StringComparison.Ordinal);
        return colon < 0 ? deferred.Detail : deferred.Detail[(colon + 2)..];
    }

    private static string NotYet(string? step) => step is null ? "" : $"; '{step}' has not been reached yet";

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
