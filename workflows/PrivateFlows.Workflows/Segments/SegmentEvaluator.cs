using System.Collections.Immutable;
using PrivateFlows.Workflows.Conditions;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Segments;

/// <summary>Evaluates named segments for a customer as of a moment: compiled rules, the template sandbox for the rest. Pure.</summary>
public static class SegmentEvaluator
{
    public static SegmentMatch Evaluate(SegmentDefinition segment, CustomerProfile profile, DateTimeOffset now, CustomerProgram? program = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(profile);
        return Evaluate(segment, ExpressionInputs.ForSegment(profile, now, program ?? CustomerProgram.Default));
    }

    public static bool IsMember(SegmentDefinition segment, CustomerProfile profile, DateTimeOffset now, CustomerProgram? program = null) =>
        Evaluate(segment, profile, now, program).IsMember;

    /// <summary>Names of the program's named segments the customer is in.</summary>
    public static ImmutableArray<string> Memberships(CustomerProfile profile, DateTimeOffset now, CustomerProgram? program = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        program ??= CustomerProgram.Default;
        if (program.Segments.IsDefaultOrEmpty) return [];
        var inputs = ExpressionInputs.ForSegment(profile, now, program);
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var segment in program.Segments)
        {
            if (Evaluate(segment, inputs).IsMember) names.Add(segment.Name);
        }

        return names.ToImmutable();
    }

    /// <summary>The customers in a segment (for listing a segment's members).</summary>
    public static IEnumerable<CustomerProfile> Members(SegmentDefinition segment, IEnumerable<CustomerProfile> profiles, DateTimeOffset now, CustomerProgram? program = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(profiles);
        return profiles.Where(p => IsMember(segment, p, now, program));
    }

    // Compiled once per expression (JourneyExpressions); rules outside the compiled subset run in the sandbox, under its limits.
    private static SegmentMatch Evaluate(SegmentDefinition segment, ExpressionInputs inputs)
    {
        try
        {
            return new SegmentMatch(segment.Name, JourneyExpressions.IsTrue(segment.Expression, inputs, $"segment {segment.Name}"));
        }
        catch (TemplateException e)
        {
            return new SegmentMatch(segment.Name, false, e.Message);
        }
    }
}
