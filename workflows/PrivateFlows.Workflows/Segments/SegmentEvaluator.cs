using System.Collections.Concurrent;
using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Templates;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Segments;

/// <summary>Evaluates named segments for a customer as of a moment, in the template sandbox. Pure.</summary>
public static class SegmentEvaluator
{
    public static SegmentMatch Evaluate(SegmentDefinition segment, CustomerProfile profile, DateTimeOffset now, CustomerProgram? program = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(profile);
        return Evaluate(segment, Model(ScriptModel.CustomerFacts(profile, now, program ?? CustomerProgram.Default), now));
    }

    public static bool IsMember(SegmentDefinition segment, CustomerProfile profile, DateTimeOffset now, CustomerProgram? program = null) =>
        Evaluate(segment, profile, now, program).IsMember;

    /// <summary>Names of the program's named segments the customer is in.</summary>
    public static ImmutableArray<string> Memberships(CustomerProfile profile, DateTimeOffset now, CustomerProgram? program = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        program ??= CustomerProgram.Default;
        return Memberships(ScriptModel.CustomerFacts(profile, now, program), now, program.Segments);
    }

    /// <summary>The customers in a segment (for listing a segment's members).</summary>
    public static IEnumerable<CustomerProfile> Members(SegmentDefinition segment, IEnumerable<CustomerProfile> profiles, DateTimeOffset now, CustomerProgram? program = null)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(profiles);
        return profiles.Where(p => IsMember(segment, p, now, program));
    }

    /// <summary>Evaluates segments against a <c>customer</c> object that has no <c>segments</c> yet.</summary>
    internal static ImmutableArray<string> Memberships(ScriptObject customer, DateTimeOffset now, ImmutableArray<SegmentDefinition> segments)
    {
        if (segments.IsDefaultOrEmpty) return [];
        var model = Model(customer, now);
        return [.. segments.Where(s => Evaluate(s, model).IsMember).Select(s => s.Name)];
    }

    /// <summary>Parsed expressions by (name, expression): segments are evaluated for every customer, parsing once is enough.</summary>
    private static readonly ConcurrentDictionary<(string Name, string Expression), Scriban.Template> Parsed = new();
    private const int MaxParsed = 2_000;

    private static SegmentMatch Evaluate(SegmentDefinition segment, ScriptObject model)
    {
        try
        {
            var key = (segment.Name, segment.Expression);
            if (!Parsed.TryGetValue(key, out var template))
            {
                template = TemplateSandbox.ParseExpression(segment.Expression, $"segment {segment.Name}");
                if (Parsed.Count >= MaxParsed) Parsed.Clear();
                Parsed[key] = template;
            }

            return new SegmentMatch(segment.Name, TemplateSandbox.IsTrue(template, model));
        }
        catch (TemplateException e)
        {
            return new SegmentMatch(segment.Name, false, e.Message);
        }
    }

    private static ScriptObject Model(ScriptObject customer, DateTimeOffset now) => new()
    {
        ["customer"] = customer,
        ["now"] = now.UtcDateTime,
    };
}
