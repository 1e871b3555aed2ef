using PrivateFlows.Workflows.Conditions;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Tests.Conditions;

/// <summary>
/// The compiled form of an expression decides exactly as Scriban's interpreter would, over generated customers, events
/// and instances: every built-in journey and catalog expression, plus a generated corpus in (and around) the subset.
/// </summary>
public class CompiledExpressionsTests
{
    /// <summary>Built-in expressions outside the compiled subset: none today (the interpreter would run them).</summary>
    private static readonly string[] Interpreted = [];

    private static string Outcome(Func<object?> evaluate)
    {
        try
        {
            var value = evaluate();
            return $"{value?.GetType().Name ?? "null"}:{TemplateSandbox.Truthy(value)}:{ScriptModel.Format(value)}";
        }
        catch (TemplateException e)
        {
            return $"error: {e.Message}";
        }
    }

    private static void AgreeOn(IReadOnlyList<string> expressions, int seed, int customers, Action<string, bool>? decided = null)
    {
        var samples = new ExpressionSamples(seed);
        for (var n = 0; n < customers; n++)
        {
            var inputs = samples.Inputs(out _);
            foreach (var expression in expressions)
            {
                var interpreted = Outcome(() => TemplateSandbox.Evaluate(expression, inputs.Model(), "x"));
                var compiledPart = JourneyExpressions.TryCompiled(expression, inputs);
                var isDecided = !ReferenceEquals(compiledPart, ExpressionValue.Unsupported);
                decided?.Invoke(expression, isDecided);
                if (isDecided)
                {
                    // The compiled form only decides where the interpreter gives that very value (never where it fails).
                    Outcome(() => compiledPart).Should().Be(interpreted, $"'{expression}' for {ExpressionSamples.Describe(inputs)}");
                }

                Outcome(() => JourneyExpressions.Evaluate(expression, inputs, "x")).Should().Be(interpreted, $"'{expression}' for {ExpressionSamples.Describe(inputs)}");
                var truth = Outcome(() => JourneyExpressions.IsTrue(expression, inputs, "x"));
                var interpretedTruth = Outcome(() => TemplateSandbox.IsTrue(expression, inputs.Model(), "x"));
                truth.Should().Be(interpretedTruth, $"'{expression}' as a condition for {ExpressionSamples.Describe(inputs)}");
            }
        }
    }

    [Fact]
    public void Built_in_journey_and_segment_expressions_compile_except_the_known_few()
    {
        var expressions = ExpressionSamples.BuiltInExpressions();
        expressions.Should().HaveCountGreaterThan(20);
        expressions.Where(e => !JourneyExpressions.IsCompiled(e)).Should().BeEquivalentTo(Interpreted);
    }

    [Fact]
    public void Built_in_expressions_give_the_interpreters_result_for_generated_customers()
    {
        var decided = new Dictionary<string, int>(StringComparer.Ordinal);
        AgreeOn(ExpressionSamples.BuiltInExpressions(), seed: 19, customers: 250, (e, d) => decided[e] = decided.GetValueOrDefault(e) + (d ? 1 : 0));
        // Not a vacuous pass: the compiled form decides every compiled built-in expression for most customers.
        foreach (var (expression, count) in decided.Where(d => !Interpreted.Contains(d.Key)))
        {
            count.Should().BeGreaterThan(125, $"'{expression}' should be decided by its compiled form for nearly every customer");
        }
    }

    [Fact]
    public void Generated_expressions_give_the_interpreters_result_or_errors_for_generated_customers()
    {
        var generator = new ExpressionSamples(2026);
        var expressions = Enumerable.Range(0, 600).Select(_ => generator.Expression()).Distinct(StringComparer.Ordinal).ToList();
        var decided = 0;
        var total = 0;
        AgreeOn(expressions, seed: 7, customers: 60, (_, d) =>
        {
            total++;
            if (d) decided++;
        });
        // Most of the corpus is inside the subset: a compiler that gave up everywhere would fail here.
        decided.Should().BeGreaterThan(total / 3);
    }

    [Theory]
    [InlineData("event.data.channel == null || event.data.channel == \"\"")]
    [InlineData("customer.orders.net > 0")]
    [InlineData("(customer.attributes.repurchase_nudge_paused_until ?? \"\") <= (now | date.to_string \"%FT%TZ\")")]
    [InlineData("customer.tier == \"platinum\" || (array.contains customer.segments \"slipping-away\")")]
    public void Hot_path_conditions_are_decided_without_the_interpreter(string expression)
    {
        var samples = new ExpressionSamples(3);
        for (var n = 0; n < 50; n++)
        {
            var inputs = samples.Inputs(out var forSegment);
            if (forSegment || inputs.Event is null || inputs.Event.Data["channel"] is { } c && c.GetValueKind() != System.Text.Json.JsonValueKind.String) continue;
            JourneyExpressions.TryCompiled(expression, inputs).Should().NotBeSameAs(ExpressionValue.Unsupported);
        }
    }

    [Fact]
    public void Repurchase_nudges_use_cycle_is_computed_without_the_interpreter_for_orders_with_and_without_items()
    {
        const string days = "((entry.data.items | array.first)?.useCycleDays ?? 30) * ((entry.data.items | array.first)?.quantity ?? 1)";
        var now = new DateTimeOffset(2026, 6, 15, 8, 0, 0, TimeSpan.Zero);
        var profile = new PrivateFlows.Workflows.Customers.CustomerProfile { CustomerId = "c1" };
        var withItems = PrivateFlows.Workflows.Tests.Support.Events.Order("o1", now, useCycleDays: 45, quantity: 2);
        var without = PrivateFlows.Workflows.Tests.Support.Events.Order("o2", now);
        JourneyExpressions.TryCompiled(days, ExpressionInputs.For(profile, withItems, null, now, PrivateFlows.Workflows.Customers.CustomerProgram.Default)).Should().Be(90);
        JourneyExpressions.TryCompiled(days, ExpressionInputs.For(profile, without, null, now, PrivateFlows.Workflows.Customers.CustomerProgram.Default)).Should().Be(30);
    }
}
