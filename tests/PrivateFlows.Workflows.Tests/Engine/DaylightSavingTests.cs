using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>Quiet hours and local-time waits follow the customer's clock through daylight-saving changes.</summary>
public class DaylightSavingTests
{
    private static readonly CustomerProfile Emily = People.EmilyChen("c1");

    [Fact]
    public void Check_NightBeforeSpringForward_DefersTo9InDaylightTime()
    {
        // 2026-03-08 01:30 EST (UTC-5) is quiet; 09:00 that morning is already EDT (UTC-4), i.e. 13:00Z, not 14:00Z.
        var night = new DateTimeOffset(2026, 3, 8, 6, 30, 0, TimeSpan.Zero);

        var check = ContactArbiter.Check(Emily, [], Channels.Sms, SendCategory.Marketing, night, ContactPolicy.Default);

        check.Block.Should().Be(ContactBlock.QuietHours);
        check.RetryAt.Should().Be(new DateTimeOffset(2026, 3, 8, 13, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Check_NightBeforeFallBack_DefersTo9InStandardTime()
    {
        // 2026-11-01 01:30 happens twice in New York; 09:00 that morning is EST (UTC-5), i.e. 14:00Z.
        var night = new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero);

        var check = ContactArbiter.Check(Emily, [], Channels.Sms, SendCategory.Marketing, night, ContactPolicy.Default);

        check.Block.Should().Be(ContactBlock.QuietHours);
        check.RetryAt.Should().Be(new DateTimeOffset(2026, 11, 1, 14, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void NextTimeOfDay_InsideSpringForwardGap_MovesToTheFirstValidInstant()
    {
        // 02:30 does not exist on 2026-03-08 in New York; the wait lands at 03:30 EDT (07:30Z), not an hour early or late.
        var before = new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero); // 00:00 EST

        var at = CustomerClock.NextTimeOfDay(before, new TimeOnly(2, 30), People.NewYorkZone);

        at.Should().Be(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Check_ShanghaiCustomerSameInstant_IsNotQuiet()
    {
        // The same instant is 14:30 in Shanghai (no DST): allowed. Quiet hours are the customer's, not the server's.
        var instant = new DateTimeOffset(2026, 3, 8, 6, 30, 0, TimeSpan.Zero);

        ContactArbiter.Check(People.LinXiao("c2"), [], Channels.Sms, SendCategory.Marketing, instant, ContactPolicy.Default).Allowed.Should().BeTrue();
    }
}
