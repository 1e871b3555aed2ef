using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Templates;

/// <summary>
/// Every marketing message of every built-in journey, in both locales, carries the advertising label exactly once: at the
/// start of its subject when it has one (an email: the reader sees subject and body together, so the body is not labelled
/// again), else at the start of its body; the unsubscribe line ends every body.
/// </summary>
public class AdvertisingLabelTests
{
    private static readonly DateTimeOffset Now = Clock.Shanghai(2026, 3, 5, 10, 0);

    public static TheoryData<string, string, string> MarketingSends()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var journey in BuiltIn.All)
        {
            foreach (var send in journey.Definition.Steps.OfType<SendStep>().Where(s => (s.Category ?? journey.Definition.Category) == SendCategory.Marketing))
            {
                foreach (var locale in new[] { "zh-CN", "en" }) data.Add(journey.Name, send.Template, locale);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MarketingSends))]
    public void Render_BuiltInMarketingTemplate_LabelExactlyOnceInSubjectOrBody(string journeyName, string template, string locale)
    {
        var journey = BuiltIn.Journey(journeyName);
        var label = locale == "en" ? "[Ad]" : "【广告】";
        var profile = (locale == "en" ? People.EmilyChen("c1") : People.LinXiao("c1")) with { Locale = locale };
        var instance = new JourneyInstance
        {
            InstanceId = "i1", CustomerId = "c1", Journey = journeyName, Version = journey.Version, StartedAt = Now,
            EntryEvent = Events.Registered("r1", Now),
            Vars = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty
                .Add("coupon_code", "SAVE-1234").Add("coupon_amount", "20").Add("coupon_expires", "2026-03-12"),
        };

        var message = MessageRenderer.Render(journey, template, SendCategory.Marketing, locale, ScriptModel.For(profile, null, instance, Now));

        var labelled = message.Subject ?? message.Body;
        Count(labelled, label).Should().Be(1, $"{(message.Subject is null ? "body" : "subject")} of {template}.{locale}: {labelled}");
        labelled.Should().StartWith(label);
        (Count(message.Subject ?? "", label) + Count(message.Body, label)).Should().Be(1, $"the label appears once in {template}.{locale}, not in subject and body both");
        message.Body.Should().EndWith(locale == "en" ? "Reply TD to unsubscribe" : "回复TD退订");
    }

    [Fact]
    public void MarketingSends_CoverEveryBuiltInJourneyWithMarketing()
    {
        MarketingSends().Select(row => (string)row[1]).Distinct().Should().Contain(["onboarding-coupon", "onboarding-tips", "birthday-care-greeting", "win-back-offer"]);
    }

    private static int Count(string text, string label)
    {
        var count = 0;
        for (var i = text.IndexOf(label, StringComparison.Ordinal); i >= 0; i = text.IndexOf(label, i + label.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
