using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// The entry event's data fields a journey version can still read once its instance is running, so the instance
/// needs to keep only those. Expressions and templates see the entry event as <c>entry</c>, and also as <c>event</c>
/// while a timer moves the instance (there is no live event then). A field counts when the version's YAML or one of
/// its templates says <c>entry.data.&lt;field&gt;</c> or <c>event.data.&lt;field&gt;</c>. Any other use of the data
/// (<c>entry.data["x"]</c>, <c>for f in entry.data</c>, <c>x = entry</c>), or a step whose code reads the entry event
/// (the referral reward), keeps all of it: the answer is then <c>null</c>. Computed once per version.
/// </summary>
public static partial class EntryEventFields
{
    private static readonly ConditionalWeakTable<JourneyVersion, Box> Cache = new();

    /// <summary>The fields to keep (compared ignoring case), or null when the whole data must stay.</summary>
    public static ImmutableHashSet<string>? For(JourneyVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Cache.GetValue(version, v => new Box(Compute(v))).Fields;
    }

    private static ImmutableHashSet<string>? Compute(JourneyVersion version)
    {
        if (version.Definition.Steps.Any(s => s is ReferralRewardStep)) return null;
        var fields = ImmutableHashSet.CreateBuilder<string>(StringComparer.OrdinalIgnoreCase);
        var texts = new[] { version.Yaml }.Concat(version.Templates.Values.SelectMany(byLocale => byLocale.Values).Select(t => t.Text));
        foreach (var text in texts)
        {
            foreach (Match use in Use().Matches(text))
            {
                if (use.Groups["field"].Success) fields.Add(use.Groups["field"].Value);
                else if (!use.Groups["harmless"].Success) return null;
            }
        }

        return fields.ToImmutable();
    }

    // A use of the word: .data.<field>; an envelope member; a YAML key ("event: order.completed", "entry:") or
    // "from: entry" (the wait's start). Anything else is unknown.
    [GeneratedRegex(@"(?<![\w.$-])(?:entry|event)(?![\w-])(?:\.data\.(?<field>[A-Za-z_][A-Za-z0-9_]*)(?![\w\[(])|(?<harmless>\.(?:id|type|time|subject|source)\b(?![\w\[(.])|\s*:(?![:=])|(?<=from:[ \t]*entry)(?=[ \t]*(?:#.*)?$)))?", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Use();

    private sealed record Box(ImmutableHashSet<string>? Fields);
}
