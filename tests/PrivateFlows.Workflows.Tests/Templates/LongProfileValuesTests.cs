using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Templates;

/// <summary>Issue 17.12: profile data never makes a send fault, and template errors name the template, never a server path.</summary>
public class LongProfileValuesTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Simulate_NameOf3900Characters_EverySendGoesOutCutWithAnEllipsis(string locale)
    {
        var name = string.Concat(Enumerable.Repeat(locale == "en" ? "Lin " : "林晓", 975));
        var profile = People.LinXiao("c1") with { Name = name, Locale = locale };

        var result = Sim.Run(BuiltIn.Journey(BuiltIn.Onboarding), profile, T0.AddDays(5), Events.Registered("r1", T0));

        result.Of("faulted").Should().BeEmpty(result.Dump());
        result.Sends().Select(s => s.StepId).Should().Equal("welcome", "coupon-sms", "tips");
        foreach (var send in result.Sends())
        {
            send.Body.Should().Contain(MessageLimits.Ellipsis).And.NotContain(name);
            send.Body.Length.Should().BeLessThanOrEqualTo(MessageLimits.Body(send.Channel) + 40, "the partial adds only the label and the unsubscribe line");
        }

        result.Send("coupon-sms").Body.Should().EndWith(locale == "en" ? "Reply TD to unsubscribe" : "回复TD退订", "cutting never drops the unsubscribe path");
    }

    [Fact]
    public void Cut_LongTextWithSurrogatePairs_NeverSplitsACharacterAndFitsTheLimit()
    {
        var text = string.Concat(Enumerable.Repeat("🎂", 100));

        var cut = MessageLimits.Cut(text, 11)!;

        cut.Should().Be("🎂🎂🎂🎂🎂…");
        MessageLimits.Cut("short", 11).Should().Be("short");
    }

    [Fact]
    public void Render_TemplateFailsAtRunTime_ErrorNamesTheTemplateNotTheServerPath()
    {
        const string secret = "/srv/privateflows/secret-folder/journeys/templates/broken.zh-CN.sbn";
        var yaml = """
            journey: broken
            category: transactional
            entry:
              event: customer.registered
            steps:
              - id: hello
                send: { channel: sms, template: broken }
            """;
        TemplateSource[] templates = [new("broken", "zh-CN", "{{ customer.name | string.no_such_function }}", secret), new("broken", "en", "x", secret.Replace("zh-CN", "en", StringComparison.Ordinal))];
        var journey = JourneyLoader.Load("broken.yaml", yaml, templates).Journeys.Single();

        var result = Sim.Run(journey, People.LinXiao("c1"), T0.AddDays(1), Events.Registered("r1", T0));

        var fault = result.Single("faulted", "hello").Detail;
        fault.Should().StartWith("templates/broken.zh-CN.sbn").And.NotContain("/srv/");
    }
}
