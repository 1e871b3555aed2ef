using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Segments;

/// <summary>
/// Every segment a marketer or ops can list by name: the program's named segments, plus one built-in segment per
/// lifecycle stage (<c>lifecycle-at-risk</c>), RFM group (<c>rfm-champions</c>) and tier (<c>tier-gold</c>).
/// A named segment wins over a built-in one of the same name.
/// </summary>
public static class SegmentCatalog
{
    public static IReadOnlyList<SegmentDefinition> All(CustomerProgram? program = null)
    {
        program ??= CustomerProgram.Default;
        var named = program.Segments.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var builtIn = LifecycleStages.All.Select(s => new SegmentDefinition($"lifecycle-{s}", $"customer.lifecycle == \"{s}\"", $"lifecycle stage {s}"))
            .Concat(RfmGroups.All.Select(g => new SegmentDefinition($"rfm-{g}", $"customer.rfm.group == \"{g}\"", $"RFM group {g}")))
            .Concat(program.Loyalty.Tiers.Select(t => new SegmentDefinition($"tier-{t.Name}", $"customer.tier == \"{t.Name}\"", $"{t.Name} members")))
            .Where(s => !named.ContainsKey(s.Name));
        return [.. program.Segments, .. builtIn];
    }

    public static SegmentDefinition? Find(string name, CustomerProgram? program = null) =>
        All(program).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
