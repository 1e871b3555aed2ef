using System.Collections.Frozen;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Templates;
using Scriban;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Language;

/// <summary>
/// The names conditions and templates can read (<c>customer.orders.count</c>, <c>vars.coupon_code</c> …), taken from
/// the model the engine builds (<see cref="ScriptModel"/>) so the two cannot drift apart. A member below an open name
/// (<c>customer.attributes</c>, <c>event.data</c> …) or below a value that is not an object is not checked.
/// </summary>
internal sealed class KnownNames
{
    /// <summary>Maps whose members are data, not part of the model: any member name is fine below them.</summary>
    private static readonly FrozenSet<string> OpenPaths = FrozenSet.ToFrozenSet(
        ["customer.attributes", "customer.channels", "customer.activity.counts", "event.data", "entry.data"], StringComparer.Ordinal);

    /// <summary>What the engine puts in <c>vars</c> besides <c>&lt;save_as&gt;_&lt;field&gt;</c> of each <c>wait_for</c>.</summary>
    public static readonly IReadOnlyList<string> EngineVars =
        ["coupon_code", "coupon_amount", "coupon_expires", "variant", "goal_amount", "referral_held", "referral_hold_reason"];

    private static readonly Lazy<KnownNames> Model = new(Build);

    private readonly Dictionary<string, KnownNames?> _members = new(StringComparer.Ordinal);

    private KnownNames(bool open) => Open = open;

    /// <summary>Any member name is accepted below this name.</summary>
    public bool Open { get; }

    public IEnumerable<string> Members => _members.Keys;

    /// <summary>The roots every expression sees: the model's names and Scriban's built-in function groups (date, string …).</summary>
    public static KnownNames Roots => Model.Value;

    /// <summary>Null when <paramref name="name"/> is not a member; a tree (possibly open or empty, i.e. a value) otherwise.</summary>
    public bool TryMember(string name, out KnownNames? member) => _members.TryGetValue(name, out member);

    private static KnownNames Build()
    {
        var roots = new KnownNames(open: false);
        var profile = new CustomerProfile { CustomerId = "sample", Name = "Sample" };
        var @event = new CustomerEvent("sample", "sample.event", "sample", DateTimeOffset.UnixEpoch, []);
        var model = ScriptModel.For(profile, @event, null, DateTimeOffset.UnixEpoch);
        foreach (var name in new[] { "customer", "event", "entry", "now" }) roots._members[name] = From(model[name], name);
        roots._members["journey"] = Closed("name", "version");
        roots._members["vars"] = Closed([.. EngineVars]);
        foreach (var builtin in TemplateContext.GetDefaultBuiltinObject().Keys) roots._members.TryAdd(builtin, new KnownNames(open: true));
        return roots;
    }

    private static KnownNames Closed(params string[] names)
    {
        var tree = new KnownNames(open: false);
        foreach (var name in names) tree._members[name] = null;
        return tree;
    }

    private static KnownNames? From(object? value, string path)
    {
        if (value is LazyScriptObject lazy) lazy.MaterializeAll();
        if (value is not ScriptObject obj) return null;
        var tree = new KnownNames(OpenPaths.Contains(path));
        foreach (var (name, child) in obj) tree._members[name] = From(child, $"{path}.{name}");
        return tree;
    }
}
