using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>A referee registering with the referrer's email (any letter case, stray spaces) is a self-referral: held, not paid.</summary>
public class ReferralSameEmailTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 10, 9, 12);

    private static readonly CustomerProfile Referrer = People.EmilyChen("cust-20001") with { Email = "Emily.Chen@Example.com", Phone = "+12125550187" };

    private static CustomerEvent Accepted(JsonObject? extra = null)
    {
        var e = Events.ReferralAccepted("ref1", T0, Referrer.CustomerId);
        foreach (var (k, v) in extra ?? []) e.Data[k] = v?.DeepClone();
        return e;
    }

    [Theory]
    [InlineData("emily.chen@example.com")]
    [InlineData("  EMILY.CHEN@EXAMPLE.COM ")]
    [InlineData("Emily.Chen@Example.com")]
    public void Check_RefereeWithTheReferrersEmailInAnyCase_HeldAsSelfReferral(string refereeEmail)
    {
        var referee = People.LinXiao("c1") with { Email = refereeEmail };

        var holds = ReferralFraudCheck.Check(referee, Accepted(), ReferrerFacts.From(Referrer));

        holds.Should().ContainSingle().Which.Should().Be(new ReferralHold(ReferralHold.SelfReferral, "self-referral: referee and referrer share an email (e***@example.com)"));
    }

    [Fact]
    public void Check_EmailOnlyOnTheReferralEvent_Held()
    {
        var referee = People.LinXiao("c1") with { Email = null };

        var holds = ReferralFraudCheck.Check(referee, Accepted(new JsonObject { ["email"] = "EMILY.chen@example.com" }), ReferrerFacts.From(Referrer));

        holds.Select(h => h.Code).Should().Equal(ReferralHold.SelfReferral);
    }

    [Fact]
    public void Check_DifferentEmails_NotHeld()
    {
        var referee = People.LinXiao("c1") with { Email = "emilychen@example.com" }; // dots are not folded: a different mailbox

        ReferralFraudCheck.Check(referee, Accepted(), ReferrerFacts.From(Referrer)).Should().BeEmpty();
    }

    [Fact]
    public void From_ReferrerProfile_KeepsTheNormalisedEmail()
    {
        ReferrerFacts.From(Referrer).Emails.Should().Equal("emily.chen@example.com");
        Fingerprints.NormalizeEmail("  ").Should().BeNull();
    }
}
