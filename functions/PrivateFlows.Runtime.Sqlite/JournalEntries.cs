using System.IO.Compression;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// The history entries of one customer step as the journal row's compact column: the instance, journey and step of
/// each entry are stored once per row, an entry id that starts with its instance id keeps only its tail, and times
/// are deltas from the entry before (a step's entries mostly share their instant). The row is then compressed against
/// a dictionary of typical journal rows (<see cref="PrimedRows.Journal"/>): a short row's texts hardly repeat within
/// it, but they repeat the dictionary's. Rows written earlier stay as they were (plain, deflated when 512 bytes or
/// longer, or Brotli after the same sample: the compressed value says which) and read.
/// </summary>
internal static class JournalEntries
{
    private const byte Format = 1;
    private const byte Deflated = 2;
    private const byte Primed = 3;

    private const byte HasStep = 0x20;
    private const byte IdAfterInstance = 0x40;
    private const byte KindBits = 0x1F;

    /// <summary>
    /// SQL summing the entries of every journal row, read from the count after the format byte (a varint; up to
    /// 16,383 entries a row, which a step never comes near): for benchmarks and checks that count history entries.
    /// </summary>
    public const string CountSql = """
        SELECT COALESCE(SUM(CASE WHEN b0 < 128 THEN b0 ELSE b0 - 128 + 128 * b1 END), 0) FROM (
            SELECT (instr('0123456789ABCDEF', substr(h, 3, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(h, 4, 1)) - 1 AS b0,
                   (instr('0123456789ABCDEF', substr(h, 5, 1)) - 1) * 16 + instr('0123456789ABCDEF', substr(h, 6, 1)) - 1 AS b1
            FROM (SELECT hex(substr(entries, 1, 3)) AS h FROM journal))
        """;

    public static byte[] Encode(IReadOnlyList<HistoryEntry> entries)
    {
        // The page cursor keeps an entry's place in 24 bits (SqliteJourneyStore.History.cs).
        if (entries.Count >= 1 << 24) throw new ArgumentException("a step writes fewer than 16,777,216 history entries", nameof(entries));
        var w = new CompactWriter();
        w.Byte(Format);
        w.UInt((ulong)entries.Count);
        var previous = 0L;
        foreach (var e in entries)
        {
            var tail = TailAfterInstance(e.EntryId, e.InstanceId);
            w.Byte((byte)((int)e.Kind | (e.Step is null ? 0 : HasStep) | (tail is null ? 0 : IdAfterInstance)));
            w.Shared(e.InstanceId);
            w.Shared(e.Journey);
            w.Text(tail ?? e.EntryId);
            var ticks = e.Time.UtcTicks;
            w.Int(ticks - previous);
            previous = ticks;
            if (e.Step is { } step) w.Shared(step);
            w.Text(e.Detail);
        }

        return Prime(w.ToArray(), entries.Count);
    }

    public static List<HistoryEntry> Decode(byte[] column)
    {
        var r = new CompactReader(column.Length == 0 ? column : column[0] switch
        {
            Deflated => Inflate(column),
            Primed => PrimedRows.Journal.Decompress(column.AsSpan(CountEnd(column))),
            _ => column,
        });
        if (r.Byte() != Format) throw new InvalidDataException("a journal row has an unknown format");
        var count = checked((int)r.UInt());
        var entries = new List<HistoryEntry>(count);
        var previous = 0L;
        for (var i = 0; i < count; i++)
        {
            var flags = r.Byte();
            var instance = r.Shared();
            var journey = r.Shared();
            var id = r.Text();
            if ((flags & IdAfterInstance) != 0) id = string.Concat(instance, "/", id);
            previous += r.Int();
            var step = (flags & HasStep) != 0 ? r.Shared() : null;
            entries.Add(new HistoryEntry(id, instance, journey, new DateTimeOffset(previous, TimeSpan.Zero), (HistoryKind)(flags & KindBits), step, r.Text()));
        }

        return entries;
    }

    /// <summary>The format byte and the entry count stay readable (<see cref="CountSql"/>), the compressed plain row follows.</summary>
    private static byte[] Prime(byte[] plain, int count)
    {
        var header = new CompactWriter();
        header.Byte(Primed);
        header.UInt((ulong)count);
        var head = header.ToArray();
        var packed = PrimedRows.Journal.Compress(plain);
        if (head.Length + packed.Length >= plain.Length) return plain;
        var row = new byte[head.Length + packed.Length];
        head.CopyTo(row, 0);
        packed.CopyTo(row, head.Length);
        return row;
    }

    /// <summary>Where the entry count after the format byte ends.</summary>
    private static int CountEnd(byte[] column)
    {
        var start = 1;
        while (column[start] >= 0x80) start++;
        return start + 1;
    }

    private static byte[] Inflate(byte[] column)
    {
        var start = CountEnd(column);
        using var inflate = new DeflateStream(new MemoryStream(column, start, column.Length - start), CompressionMode.Decompress);
        using var plain = new MemoryStream(column.Length * 3);
        inflate.CopyTo(plain);
        return plain.ToArray();
    }

    /// <summary>"i1/h3" of instance "i1" → "h3"; null when the id does not start with the instance id and a slash.</summary>
    internal static string? TailAfterInstance(string id, string instanceId) =>
        id.Length > instanceId.Length + 1 && id[instanceId.Length] == '/' && id.StartsWith(instanceId, StringComparison.Ordinal) ? id[(instanceId.Length + 1)..] : null;
}
