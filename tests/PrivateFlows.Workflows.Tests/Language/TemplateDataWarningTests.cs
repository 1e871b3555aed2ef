using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Tests.Language;

public class TemplateDataWarningTests
{
    private const string Journey = """
        journey: data-read
        entry:
          event: order.completed
        steps:
          - id: thanks
            send: { channel: sms, template: thanks, category: transactional }
        """;

    [Fact]
    public void Load_TemplateReadsEventDataMissingFromSample_WarnsAndPublishes()
    {
        var result = JourneyLoader.Load("data-read.yaml", Journey,
        [
            new TemplateSource("thanks", "zh-CN", "谢谢！第一件：{{ entry.data.items.first.sku }}"),
            new TemplateSource("thanks", "en", "Thanks! {{ entry.data.items.first.sku }}"),
        ]);

        result.HasErrors.Should().BeFalse();
        result.Journeys.Should().ContainSingle();
        result.Diagnostics.Should().Contain(d => d.Code == DiagnosticCodes.BadExpression && d.Severity == Severity.Warning && d.Message.Contains("guard it"));
    }
}
