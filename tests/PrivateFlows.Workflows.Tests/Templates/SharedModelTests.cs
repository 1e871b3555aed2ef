using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Tests.Templates;

/// <summary>Models are memoized per profile and event within a decision; no template may change what the next one sees.</summary>
public class SharedModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_TemplateAssignsToCustomer_NextRenderStillSeesTheProfile()
    {
        var profile = new CustomerProfile { CustomerId = "c1", Name = "Lin" };

        var first = () => TemplateSandbox.Render("{{ customer.name = 'Mallory' }}{{ customer.name }}", ScriptModel.For(profile, null, null, Now));
        try
        {
            first();
        }
        catch (TemplateException)
        {
            // Refusing the write is as good as ignoring it; what matters is the next render.
        }

        TemplateSandbox.Render("{{ customer.name }}", ScriptModel.For(profile, null, null, Now)).Should().Be("Lin");
    }

    [Fact]
    public void Evaluate_LazyMemberOnSharedModel_ComputedAndStable()
    {
        var profile = new CustomerProfile { CustomerId = "c1", Orders = new OrdersSummary(3, 900m, LastAt: Now.AddDays(-10)) };

        var model = ScriptModel.For(profile, null, null, Now);
        var first = TemplateSandbox.Evaluate("customer.rfm.r", model);
        var again = TemplateSandbox.Evaluate("customer.rfm.r", ScriptModel.For(profile, null, null, Now));

        first.Should().NotBeNull();
        again.Should().Be(first);
        TemplateSandbox.Evaluate("customer.lifecycle", model).Should().NotBeNull();
    }
}
