using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Referrals (ICustomerLedgers).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task A_referrers_recent_referrals_follow_the_referees_documents()
    {
        foreach (var (referee, days) in new[] { ("r1", 1), ("r2", 10), ("r3", 40) })
        {
            var doc = CustomerDocument.New(referee);
            var referred = doc with { State = doc.State with { Profile = doc.State.Profile with { ReferredBy = new ReferredBy { ReferrerId = "boss", AcceptedAt = At.AddDays(-days), EventId = $"ref-{referee}" } } } };
            await Store.CommitStepAsync(new StepCommit(referred, 0));
        }

        (await Store.ReadReferralsAsync("boss", At.AddDays(-30))).Should().Equal(new AcceptedReferral("r2", At.AddDays(-10)), new AcceptedReferral("r1", At.AddDays(-1)));
        (await Store.ReadReferralsAsync("someone-else", At.AddDays(-30))).Should().BeEmpty();

        // A later step of the referee keeps one link.
        var r1 = (await Store.ReadCustomerAsync("r1"))!;
        await Store.CommitStepAsync(new StepCommit(r1 with { ProcessedInputs = ["x"] }, r1.Version));
        (await Store.ReadReferralsAsync("boss", At.AddDays(-30))).Should().HaveCount(2);
    }
}
