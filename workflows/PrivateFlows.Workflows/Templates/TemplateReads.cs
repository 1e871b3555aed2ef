using System.Collections.Frozen;
using Scriban.Syntax;

namespace PrivateFlows.Workflows.Templates;

/// <summary>
/// What a template (or expression) can read of the model, found once from its syntax tree: for each of
/// <c>customer</c>, <c>event</c>, <c>entry</c>, <c>vars</c> and <c>journey</c>, nothing, some members (when the root
/// is only ever read as <c>customer.name</c>) or the whole of it (when it is looped over, printed, passed on, used in
/// <c>with</c> or by index). <c>this</c> and <c>object.eval</c> can reach anything, so they read everything.
/// A model holding just these parts renders exactly as the full one, and costs a fraction of it to build.
/// </summary>
internal sealed class TemplateReads
{
    /// <summary>The model's roots a template reads members of; <c>now</c> is always in the model.</summary>
    public static readonly FrozenSet<string> Roots = FrozenSet.Create(StringComparer.Ordinal, "customer", "event", "entry", "vars", "journey");

    public static readonly TemplateReads Nothing = new(new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal), everything: false);
    public static readonly TemplateReads Everything = new(new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal), everything: true);

    // Root → the members read, or null when the root is read whole. A root missing is not read at all.
    private readonly Dictionary<string, HashSet<string>?> _roots;

    private TemplateReads(Dictionary<string, HashSet<string>?> roots, bool everything)
    {
        _roots = roots;
        IsEverything = everything;
    }

    /// <summary>Anything may be read (<c>this</c>, <c>object.eval</c>): only the full model will do.</summary>
    public bool IsEverything { get; }

    public bool Reads(string root) => IsEverything || _roots.ContainsKey(root);

    public bool ReadsWhole(string root) => IsEverything || (_roots.TryGetValue(root, out var members) && members is null);

    /// <summary>The members of <paramref name="root"/> read by name (empty when it is read whole or not at all).</summary>
    public IReadOnlyCollection<string> Members(string root) =>
        !IsEverything && _roots.TryGetValue(root, out var members) && members is not null ? members : [];

    public TemplateReads Union(TemplateReads other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (IsEverything || other._roots.Count == 0) return this;
        if (other.IsEverything || _roots.Count == 0) return other;
        var roots = new Dictionary<string, HashSet<string>?>(_roots.Count + other._roots.Count, StringComparer.Ordinal);
        foreach (var (root, members) in _roots) roots[root] = members is null ? null : new HashSet<string>(members, StringComparer.Ordinal);
        foreach (var (root, members) in other._roots)
        {
            if (!roots.TryGetValue(root, out var mine)) roots[root] = members is null ? null : new HashSet<string>(members, StringComparer.Ordinal);
            else if (mine is not null && members is null) roots[root] = null;
            else mine?.UnionWith(members!);
        }

        return new TemplateReads(roots, everything: false);
    }

    public static TemplateReads Of(ScriptNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var roots = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        return Visit(node, null, roots) ? new TemplateReads(roots, everything: false) : Everything;
    }

    /// <summary>Records what <paramref name="node"/> reads; false as soon as it may read anything.</summary>
    private static bool Visit(ScriptNode node, ScriptNode? parent, Dictionary<string, HashSet<string>?> roots)
    {
        switch (node)
        {
            case ScriptThisExpression:
                return false;
            case ScriptVariable variable when parent is ScriptMemberExpression owner && ReferenceEquals(owner.Member, variable):
                // A member's name, not a variable: object.eval and object.eval_template run text read at run time.
                return variable.Name is not ("eval" or "eval_template");
            case ScriptVariableGlobal global:
                var byName = parent is ScriptMemberExpression member && ReferenceEquals(member.Target, global) ? member.Member?.Name : null;
                if (global.Name == "object" && byName is null) return false; // the object built-ins passed on whole (eval among them)
                if (!Roots.Contains(global.Name)) return true;
                if (byName is null) roots[global.Name] = null;
                else if (!roots.TryGetValue(global.Name, out var members)) roots[global.Name] = new HashSet<string>(StringComparer.Ordinal) { byName };
                else members?.Add(byName);
                return true;
        }

        foreach (var child in node.Children)
        {
            if (child is not null && !Visit(child, node, roots)) return false;
        }

        return true;
    }
}
