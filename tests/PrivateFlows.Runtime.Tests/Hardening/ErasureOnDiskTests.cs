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
    public async Task EraseAsync_CustomerWithJourneyHistory_EmailIsAbsentFromTheDatabaseFileAndItsWal()
    {
        var path = _folder.File("erase.db");
        await using var engine = await EngineHarness.StartAsync(path);
        var customer = $"wipe{Guid.NewGuid():N}";
        var email = Encoding.UTF8.GetBytes($"{customer}@example.com");
        await engine.DeliverAsync(Events.Registered(customer, engine.Now));
        var notes = Convert.ToHexString(System.Security.Cryptography.SHA512.HashData(email)); // does not compress away
        await engine.DeliverAsync(Events.ProfileUpdated(customer, engine.Now, $"upd-{customer}", new() { ["city"] = "杭州", ["notes"] = string.Concat(Enumerable.Repeat(notes, 80)) + $"{customer}@example.com" }));
        await engine.AdvanceAsync(TimeSpan.FromDays(1)); // the onboarding journey moves on: history, messages, timers
        // (the long note puts the document and the event into overflow pages, which a FAST secure_delete leaves unwiped when freed)
        // Documents and event bodies are stored compressed: their stored bytes are looked for too, not only the email.
        var stored = StoredBytes(path, customer);
        stored.Should().OnlyContain(n => CountIn(path, n) + CountIn(path + "-wal", n) > 0, "the test writes them before erasing them (in the WAL until a checkpoint copies it)");
        var needles = stored.Prepend(email).ToList();

        (await engine.Services.GetRequiredService<CustomerPrivacy>().EraseAsync(customer)).Erased.Should().BeTrue();

        needles.Sum(n => CountIn(path, n)).Should().Be(0, "the database file must hold no copy of an erased email, document or event");
        needles.Sum(n => CountIn(path + "-wal", n)).Should().Be(0, "the write-ahead log must hold no copy of an erased email, document or event");
    }

    /// <summary>64 bytes from the start of the customer's stored document and of each stored event body (the part in the row's own page).</summary>
    private static List<byte[]> StoredBytes(string path, string customer)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM customers WHERE id = $id UNION ALL SELECT body FROM events WHERE customer_id = $id AND length(body) > 0";
        command.Parameters.AddWithValue("$id", customer);
        using var reader = command.ExecuteReader();
        var slices = new List<byte[]>();
        while (reader.Read())
        {
            var stored = (byte[])reader.GetValue(0);
            slices.Add(stored[8..Math.Min(72, stored.Length)]);
        }

        slices.Should().HaveCountGreaterThan(2, "the document and the two events");
        return slices;
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
