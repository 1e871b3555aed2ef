using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Templates;

/// <summary>
/// A script object with members computed the first time an expression reads them (e.g. <c>customer.segments</c>,
/// which evaluates every named segment): an expression that never reads them does not pay for them. While a member
/// is being computed it reads as null, so a computation that reads its own member does not recurse. Copying or cloning
/// the object computes every pending member first; enumerating it (<c>object.keys</c>, printing it) lists only the
/// members computed so far, as Scriban's enumeration cannot be overridden.
/// </summary>
internal sealed class LazyScriptObject : ScriptObject
{
    private readonly Dictionary<string, Func<object?>> _pending = new(StringComparer.Ordinal);

    public void SetLazy(string member, Func<object?> compute)
    {
        Remove(member);
        _pending[member] = compute;
    }

    public override bool TryGetValue(TemplateContext? context, SourceSpan span, string member, out object? value)
    {
        Materialize(member);
        return base.TryGetValue(context, span, member, out value);
    }

    public override bool Contains(string member) => _pending.ContainsKey(member) || base.Contains(member);

    public override bool Remove(string member) => _pending.Remove(member) | base.Remove(member);

    public override void CopyTo(ScriptObject dest)
    {
        MaterializeAll();
        base.CopyTo(dest);
    }

    public override IScriptObject Clone(bool deep)
    {
        MaterializeAll();
        return base.Clone(deep);
    }

    /// <summary>Computes every pending member (before handing the object to code that enumerates it).</summary>
    public void MaterializeAll()
    {
        foreach (var member in _pending.Keys.ToList()) Materialize(member);
    }

    private void Materialize(string member)
    {
        if (!_pending.Remove(member, out var compute)) return;
        // A frozen (shared) object still fills in its own pending members, and freezes what it computed.
        var frozen = IsReadOnly;
        IsReadOnly = false;
        this[member] = null!;
        IsReadOnly = frozen;
        var value = compute();
        if (frozen) ScriptModel.Freeze(value);
        IsReadOnly = false;
        this[member] = value!;
        IsReadOnly = frozen;
    }
}
