using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Hardening;

/// <summary>An erased customer's data must be gone from the files themselves, not only from the API's views (issue #17, item 7).</summary>
public sealed class ErasureOnDiskTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task EraseAsync_CustomerWithJourneyHistory_EmailIsAbsentFromTheDatabaseFileAndItsWal()
    {
        var path = _folder.File("erase.db");
        await using var engine = await EngineHarness.StartAsync(path);
        var customer = $"wipe{Guid.NewGuid():N}";
        var email = Encoding.UTF8.GetBytes($"{customer}@example.com");
        await engine.DeliverAsync(Events.Registered(customer, engine.Now));
        await engine.DeliverAsync(Events.ProfileUpdated(customer, engine.Now, $"upd-{customer}", new() { ["city"] = "杭州", ["notes"] = new string('x', 9000) + $"{customer}@example.com" }));
        await engine.AdvanceAsync(TimeSpan.FromDays(1)); // the onboarding journey moves on: history, messages, timers
        // (the long note puts the document and the event into overflow pages, which a FAST secure_delete leaves unwiped when freed)
        (CountIn(path, email) + CountIn(path + "-wal", email)).Should().BeGreaterThan(0, "the test writes the email before erasing it (in the WAL until a checkpoint copies it)");

        (await engine.Services.GetRequiredService<CustomerPrivacy>().EraseAsync(customer)).Erased.Should().BeTrue();

        CountIn(path, email).Should().Be(0, "the database file must hold no copy of an erased email");
        CountIn(path + "-wal", email).Should().Be(0, "the write-ahead log must hold no copy of an erased email");
    }

    private static int CountIn(string file, byte[] needle)
    {
        if (!File.Exists(file)) return 0;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var span = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        var count = 0;
        for (var at = span.IndexOf(needle); at >= 0; at = span.IndexOf(needle))
        {
            count++;
            span = span[(at + needle.Length)..];
        }

        return count;
    }

    public void Dispose() => _folder.Dispose();
}
