using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Tests.Journeys;

public sealed class JourneyCatalogTests
{
    private const string WithTypo = """
        journey: typo-journey
        entry:
          event: customer.registered
        steps:
          - id: check
            branch:
              - when: "customer.order.count > 0"
                next: done
              - else: done
          - id: done
            end: completed
        """;

    [Fact]
    public void Add_StoredVersionWithANameTheValidatorNowRefuses_LoadsInsteadOfStoppingTheHost()
    {
        // Published before PF0018 existed: publishing it today is refused, but the host must still start with it.
        JourneyLoader.Load("typo-journey.yaml", WithTypo, []).Diagnostics.Should().Contain(d => d.IsError && d.Code == "PF0018");
        var catalog = new JourneyCatalog();

        var version = catalog.Add(new PublishedJourney("typo-journey", 1, "v-typo", WithTypo, [], DateTimeOffset.UnixEpoch));

        version.Number.Should().Be(1);
        catalog.Find("v-typo").Should().NotBeNull();
    }
}
