using System.Buffers;
using System.Runtime.InteropServices;
using System.IO.Compression;
using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Sqlite;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// What compressing a stored value costs: µs per compress and decompress and bytes per value, for documents, journal
/// rows, message bodies and event bodies taken from a store the benchmark kept (<c>--keep</c>, e.g. the timers run),
/// with the store's compressor (<see cref="CompressedJson"/>), the Brotli primed compressor it replaced (rebuilt here
/// as it was) and zstd at other levels. Run with <c>--micro-compression STORE.db</c>; a loop on one thread, timed by
/// the thread's CPU clock (the machine may be busy with other work).
/// </summary>
internal static class CompressionCosts
{
    private const int Values = 2_000;

    public static void Run(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var documents = Read(connection, "SELECT document FROM customers", c => CompressedJson.Documents.Decompress(c));
        Measure("document", documents, CompressedJson.Documents, "document.json", "document.br");
        var stored = documents.Select(d => CompressedJson.Documents.Compress(d)).ToList();
        Console.WriteLine("reading only the profile of a document, µs (thread CPU, fastest of five rounds):");
        Time("  streamed prefix (ReadPrefix)", stored, s => CompressedJson.Documents.ReadPrefix<PrivateFlows.Workflows.Customers.CustomerProfile, System.Text.Json.JsonSerializerOptions>(s, RuntimeJson.Options, CustomerProfiles.TryRead));
        Time("  whole, then the profile", stored, s => CustomerProfiles.TryRead(CompressedJson.Documents.Decompress(s), complete: true, RuntimeJson.Options, out var p) ? p : null);
        Measure("journal row", Read(connection, "SELECT entries FROM journal WHERE substr(entries, 1, 1) = x'03'", c => PrimedRows.Journal.Decompress(c.AsSpan(CountEnd(c)))), PrimedRows.Journal, "journal.bin", "journal.br");
        Measure("message body", Read(connection, "SELECT body FROM messages WHERE typeof(body) = 'blob'", c => PrimedRows.MessageBodies.Decompress(c)), PrimedRows.MessageBodies, "message-body.bin", "message-body.br");
        Measure("event body", Read(connection, "SELECT body FROM events", c => CompressedJson.EventBodies.Decompress(c)), CompressedJson.EventBodies, "event-body.json", null);
    }

    private static List<byte[]> Read(SqliteConnection connection, string sql, Func<byte[], byte[]> decompress)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"{sql} ORDER BY random() LIMIT {Values}"; // a sample across the run
        using var reader = command.ExecuteReader();
        var values = new List<byte[]>();
        while (reader.Read()) values.Add(decompress((byte[])reader.GetValue(0)));
        return values;
    }

    private static void Measure(string kind, List<byte[]> values, CompressedJson store, string? primer, string? primerStream)
    {
        Console.WriteLine($"{kind}: {values.Count:N0} values, {values.Average(v => v.Length):N0} bytes of JSON on average");
        Report("  store (zstd, format 3)", values, v => store.Compress(v), s => store.Decompress(s));
        if (primerStream is not null)
        {
            var p = CompressedJson.Resource(primer!);
            var ps = CompressedJson.Resource(primerStream);
            Report("  Brotli primed (before)", values, v => BrotliPrimed(p, v), s => UnBrotliPrimed(ps, p.Length, s));
        }
        else
        {
            Report("  Brotli quality 1 (before)", values, BrotliPlain, s => UnBrotliPrimed([], 0, s));
        }

        foreach (var (level, rawLiterals) in new[] { (-5, false), (-1, false), (1, false), (1, true), (2, false), (3, false), (5, false) })
        {
            using var compressor = new Compressor(level);
            // Literals left uncompressed (no Huffman table built per value); the frames read the same.
            if (rawLiterals) compressor.SetParameter(ZSTD_cParameter.ZSTD_c_experimentalParam5, 2);
            compressor.SetParameter(ZSTD_cParameter.ZSTD_c_experimentalParam2, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless);
            compressor.SetParameter(ZSTD_cParameter.ZSTD_c_contentSizeFlag, 0);
            using var decompressor = new Decompressor();
            decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_experimentalParam1, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless);
            if (primer is not null)
            {
                compressor.LoadDictionary(CompressedJson.Resource(primer));
                decompressor.LoadDictionary(CompressedJson.Resource(primer));
            }

            var output = new byte[64 * 1024];
            Report($"  zstd level {level}{(rawLiterals ? ", literals raw" : "")}", values, v => compressor.Wrap(v).ToArray(), s => { decompressor.Unwrap(s, output); return output; });
        }

        Report("  store (zstd, format 3) again", values, v => store.Compress(v), s => store.Decompress(s));
    }

    /// <summary>The fastest of five rounds over all values (the machine may be busy: the fastest round is the least disturbed).</summary>
    private static void Report(string name, List<byte[]> values, Func<byte[], byte[]> compress, Func<byte[], byte[]> decompress)
    {
        var stored = new byte[values.Count][];
        for (var i = 0; i < values.Count; i++) decompress(stored[i] = compress(values[i])); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < values.Count; i++) stored[i] = compress(values[i]);
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)values.Count;
        double compressUs = double.MaxValue, decompressUs = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var start = ThreadCpuMicroseconds();
            for (var i = 0; i < values.Count; i++) stored[i] = compress(values[i]);
            var middle = ThreadCpuMicroseconds();
            compressUs = Math.Min(compressUs, (middle - start) / values.Count);
            foreach (var s in stored) decompress(s);
            decompressUs = Math.Min(decompressUs, (ThreadCpuMicroseconds() - middle) / values.Count);
        }

        Console.WriteLine($"{name,-28} {stored.Average(s => s.Length),7:N1} bytes  compress {compressUs,6:N2} µs ({allocated,6:N0} B allocated)  decompress {decompressUs,6:N2} µs");
    }

    private static void Time<T>(string name, List<byte[]> stored, Func<byte[], T> read)
    {
        foreach (var s in stored) read(s);
        var fastest = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var start = ThreadCpuMicroseconds();
            foreach (var s in stored) read(s);
            fastest = Math.Min(fastest, (ThreadCpuMicroseconds() - start) / stored.Count);
        }

        Console.WriteLine($"{name,-36} {fastest,6:N2} µs");
    }

    /// <summary>The Brotli primed compressor main at 06d49c1 wrote values with (quality 2, window 16, primer flushed first).</summary>
    private static byte[] BrotliPrimed(byte[] primer, byte[] utf8)
    {
        var rented = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(utf8.Length + primer.Length) + 64);
        var encoder = new BrotliEncoder(2, 16);
        try
        {
            encoder.Compress(primer, rented, out _, out var written, isFinalBlock: false);
            encoder.Flush(rented.AsSpan(written), out var flushed);
            var skip = written + flushed;
            encoder.Compress(utf8, rented.AsSpan(skip), out _, out var value, isFinalBlock: true);
            var stored = new byte[5 + value];
            stored[0] = 2;
            rented.AsSpan(skip, value).CopyTo(stored.AsSpan(5));
            return stored;
        }
        finally
        {
            encoder.Dispose();
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[] BrotliPlain(byte[] utf8)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(utf8.Length) + 5];
        BrotliEncoder.TryCompress(utf8, output.AsSpan(5), out var written, quality: 1, window: 16);
        return output[..(5 + written)];
    }

    private static readonly byte[] Output = new byte[64 * 1024];

    private static byte[] UnBrotliPrimed(byte[] primerStream, int primerLength, byte[] stored)
    {
        var decoder = new BrotliDecoder();
        try
        {
            if (primerStream.Length > 0) decoder.Decompress(primerStream, Output, out _, out _);
            decoder.Decompress(stored.AsSpan(5), Output.AsSpan(0, Output.Length - primerLength), out _, out _);
            return Output;
        }
        finally
        {
            decoder.Dispose();
        }
    }

    private static double ThreadCpuMicroseconds()
    {
        if (ClockGetTime(ThreadCpuClock, out var now) != 0) throw new InvalidOperationException("no thread CPU clock");
        return now.Seconds * 1e6 + now.Nanoseconds / 1e3;
    }

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID (Linux)

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static int CountEnd(byte[] column)
    {
        var start = 1;
        while (column[start] >= 0x80) start++;
        return start + 1;
    }
}
