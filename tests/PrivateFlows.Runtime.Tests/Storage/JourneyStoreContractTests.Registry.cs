using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Published journeys (IJourneyRegistry).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task Publishing_numbers_versions_per_journey_and_ignores_identical_content_by_hash()
    {
        var loaded = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys);
        var onboarding = loaded.Journeys.Single(j => j.Name == "onboarding");
        var changed = JourneyLoader.Load("onboarding.yaml", onboarding.Yaml.Replace("priority: 60", "priority: 61", StringComparison.Ordinal), onboarding.Templates.Values.SelectMany(l => l.Values)).Journeys.Single();
        changed.Version.Should().NotBe(onboarding.Version);

        var v1 = await Store.PublishJourneyAsync(onboarding, At);
        var again = await Store.PublishJourneyAsync(onboarding, At.AddDays(1));
        var v2 = await Store.PublishJourneyAsync(changed, At.AddDays(2));
        var v1Again = await Store.PublishJourneyAsync(onboarding, At.AddDays(3));
        var other = await Store.PublishJourneyAsync(loaded.Journeys.Single(j => j.Name == "win-back"), At);

        (v1.Number, v1.Created).Should().Be((1, true));
        (again.Number, again.Created, again.PublishedAt).Should().Be((1, false, At));
        (v2.Number, v2.Created).Should().Be((2, true));
        (v1Again.Number, v1Again.Created).Should().Be((1, false));
        other.Number.Should().Be(1);
        var all = await Store.ReadJourneysAsync();
        all.Select(j => (j.Name, j.Number)).Should().Equal(("onboarding", 1), ("onboarding", 2), ("win-back", 1));
        all[0].Version.Should().Be(onboarding.Version);
        all[0].Yaml.Should().Be(onboarding.Yaml);
        all[0].Templates.Should().Contain(t => t.Name == "onboarding-welcome" && t.Locale == "zh-CN" && t.Text.Length > 0);
    }
}
