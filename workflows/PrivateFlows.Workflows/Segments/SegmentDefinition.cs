using System.Text.RegularExpressions;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Segments;

/// <summary>
/// A named segment: a Scriban boolean expression over <c>customer</c> (profile, <c>rfm</c>, <c>lifecycle</c>,
/// <c>tags</c>, <c>activity</c>, <c>loyalty</c> …) and <c>now</c>. Journeys test membership with
/// <c>array.contains customer.segments "vip"</c>. A segment cannot refer to other segments
/// (<c>customer.segments</c> is empty while segments are evaluated).
/// </summary>
public sealed partial record SegmentDefinition(string Name, string Expression, string? Description = null)
{
    /// <summary>What is wrong with the definition (bad name, expression that does not parse); null when it is fine.</summary>
    public string? Problem()
    {
        if (string.IsNullOrEmpty(Name) || !NamePattern().IsMatch(Name)) return $"segment name '{Name}' must be lower-case letters, digits and '-'";
        if (string.IsNullOrWhiteSpace(Expression)) return $"segment '{Name}' has no expression";
        return TemplateSandbox.ParseError(Expression, expression: true) is { } error ? $"segment '{Name}': {error}" : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
