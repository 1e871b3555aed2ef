using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// The stored customer document to and from JSON, format 1 (main at a28afef: every property, written with the
/// runtime's options) against format 2 (<see cref="StoredDocumentFormat"/>), and what compressing format 2 would
/// cost. The document is a full-workload customer after 12 mixed events. Run with <c>--micro-document</c>.
/// </summary>
[MemoryDiagnoser]
public class DocumentJson
{
    private CustomerDocument _document = null!;
    private Format1 _format1 = null!;
    private string _json1 = "";
    private string _json2 = "";
    private byte[] _utf8 = [];
    private byte[] _brotli = [];
    private byte[] _deflate = [];

    [GlobalSetup]
    public void Setup()
    {
        var journeys = JourneyLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "journeys")).Journeys;
        var now = DateTimeOffset.UtcNow;
        var context = DecisionContext.For(now, journeys);
        var events = Workload.Mixed("micro", 1, 12, now.AddHours(-3)).Parse();
        var document = CustomerDocument.New(events[0].Subject);
        foreach (var e in events) document = document.After(CustomerDecider.Decide(document.State, new EventReceived(e), context), $"e:{e.Id}") with { PendingEffects = [] };
        _document = document;
        _format1 = new Format1(document.State, document.PendingEffects, document.ProcessedInputs);
        _json1 = RuntimeJson.Serialize(_format1);
        _json2 = RuntimeJson.Serialize(document);
        _utf8 = Encoding.UTF8.GetBytes(_json2);
        _brotli = Brotli();
        _deflate = Deflate();
        Console.WriteLine($"document: format 1 {Encoding.UTF8.GetByteCount(_json1):N0} bytes, format 2 {_utf8.Length:N0} bytes, "
            + $"format 2 with Brotli (quality 1) {_brotli.Length:N0} bytes, with Deflate (fastest) {_deflate.Length:N0} bytes");
    }

    [Benchmark(Baseline = true, Description = "format 1 to JSON")]
    public string Serialize1() => RuntimeJson.Serialize(_format1);

    [Benchmark(Description = "format 2 to JSON")]
    public string Serialize2() => RuntimeJson.Serialize(_document);

    [Benchmark(Description = "format 1 from JSON")]
    public Format1 Deserialize1() => RuntimeJson.Deserialize<Format1>(_json1);

    [Benchmark(Description = "format 2 from JSON")]
    public CustomerDocument Deserialize2() => RuntimeJson.Deserialize<CustomerDocument>(_json2);

    [Benchmark(Description = "format 2, Brotli quality 1: compress")]
    public byte[] Brotli()
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(_utf8.Length)];
        BrotliEncoder.TryCompress(_utf8, output, out var written, quality: 1, window: 16);
        return output[..written];
    }

    [Benchmark(Description = "format 2, Brotli: decompress")]
    public int Unbrotli()
    {
        var output = new byte[_utf8.Length];
        BrotliDecoder.TryDecompress(_brotli, output, out var written);
        return written;
    }

    [Benchmark(Description = "format 2, Deflate fastest: compress")]
    public byte[] Deflate()
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(_utf8);
        return output.ToArray();
    }

    [Benchmark(Description = "format 2, Deflate: decompress")]
    public int Inflate()
    {
        using var input = new DeflateStream(new MemoryStream(_deflate), CompressionMode.Decompress);
        var output = new byte[_utf8.Length];
        var read = 0;
        for (int n; (n = input.Read(output, read, output.Length - read)) > 0;) read += n;
        return read;
    }

    public static void Run(string[] args)
    {
        if (args.Contains("--loop"))
        {
            Loop(args.FirstOrDefault(a => a.StartsWith("--op=", StringComparison.Ordinal))?["--op=".Length..]);
            return;
        }

        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "privateflows-bdn-document"));
        BenchmarkRunner.Run<DocumentJson>(config, args);
    }

    /// <summary>
    /// Without BenchmarkDotNet, for a busy machine: per operation, after 3 s of warm-up, the best of 7 batches of 2,000 (wall clock, one
    /// thread), the best process CPU time of a batch (what other processes take from it does not count) and the
    /// bytes this thread allocated. <c>--op=text</c> runs only the operations whose name contains the text.
    /// </summary>
    private static void Loop(string? only)
    {
        var b = new DocumentJson();
        b.Setup();
        foreach (var (name, op) in new (string, Func<object>)[]
        {
            ("format 1 to JSON", b.Serialize1), ("format 2 to JSON", b.Serialize2),
            ("format 1 from JSON", b.Deserialize1), ("format 2 from JSON", b.Deserialize2),
            ("format 2, Brotli quality 1: compress", b.Brotli), ("format 2, Brotli: decompress", () => b.Unbrotli()),
            ("format 2, Deflate fastest: compress", b.Deflate), ("format 2, Deflate: decompress", () => b.Inflate()),
        })
        {
            if (only is not null && !name.Contains(only, StringComparison.Ordinal)) continue;
            // Warm up for 3 s: code the JIT compiles (rather than the framework's precompiled code) goes through
            // instrumented tiers first, and a shorter warm-up measures those.
            var warmup = System.Diagnostics.Stopwatch.StartNew();
            while (warmup.Elapsed < TimeSpan.FromSeconds(3))
            {
                for (var i = 0; i < 200; i++) op();
            }

            var best = double.MaxValue;
            var bestCpu = double.MaxValue;
            long allocated = 0;
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            for (var batch = 0; batch < 7; batch++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                for (var i = 0; i < 2_000; i++) op();
                best = Math.Min(best, watch.Elapsed.TotalMicroseconds / 2_000);
                process.Refresh();
                bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu).TotalMicroseconds / 2_000);
                allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / 2_000;
            }

            Console.WriteLine($"{name,-40} {best,8:F1} µs {bestCpu,8:F1} µs CPU {allocated,8:N0} bytes allocated");
        }
    }

    /// <summary>The document as main at a28afef stored it: these three properties, every value written.</summary>
    public sealed record Format1(CustomerState State, ImmutableArray<Effect> PendingEffects, ImmutableArray<string> ProcessedInputs);
}
