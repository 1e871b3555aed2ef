using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Hardening;

/// <summary>An erased customer's data must be gone from the files themselves, not only from the API's views (issue #17, item 7).</summary>
public sealed class ErasureOnDiskTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task EraseAsync_CustomerWithJourneyHistory_NoCopyOfTheirRowsIsLeftInTheDatabaseFileOrItsWal()
    {
        var path = _folder.File("erase.db");
        await using var engine = await EngineHarness.StartAsync(path);
        var customer = $"wipe{Guid.NewGuid():N}";
        await engine.DeliverAsync(Events.Registered(customer, engine.Now));
        // A note that does not compress away puts the event's inbox row into overflow pages, which a FAST secure_delete leaves unwiped when freed.
        var note = Convert.ToHexString(RandomNumberGenerator.GetBytes(4500));
        await engine.DeliverAsync(Events.ProfileUpdated(customer, engine.Now, $"upd-{customer}", new() { ["city"] = "杭州", ["notes"] = note }));
        await engine.AdvanceAsync(TimeSpan.FromDays(1)); // the onboarding journey moves on: history, messages, timers

        // Documents, event bodies and history rows are compressed, so their text is not on disk as such: look for the customer
        // id (plain in every row's key columns) and for stored bytes of the event's body from the middle of its overflow chain.
        var id = Encoding.UTF8.GetBytes(customer);
        var body = StoredEventBody(path, $"upd-{customer}");
        body.Length.Should().BeGreaterThan(4096, "the event's row spans overflow pages");
        var fromOverflow = body.AsSpan(body.Length / 2, 48).ToArray();
        (CountIn(path, id) + CountIn(path + "-wal", id)).Should().BeGreaterThan(0, "the customer's rows are on disk before the erasure (in the WAL until a checkpoint copies them)");
        (CountIn(path, fromOverflow) + CountIn(path + "-wal", fromOverflow)).Should().BeGreaterThan(0, "the event's overflow pages are on disk before the erasure");

        (await engine.Services.GetRequiredService<CustomerPrivacy>().EraseAsync(customer)).Erased.Should().BeTrue();

        CountIn(path, id).Should().Be(0, "the database file must hold no row of an erased customer");
        CountIn(path + "-wal", id).Should().Be(0, "the write-ahead log must hold no row of an erased customer");
        (CountIn(path, fromOverflow) + CountIn(path + "-wal", fromOverflow)).Should().Be(0, "freed overflow pages of the event are wiped");
    }

    private static byte[] StoredEventBody(string path, string eventId)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM events WHERE id = $id";
        command.Parameters.AddWithValue("$id", eventId);
        return (byte[])command.ExecuteScalar()!;
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
