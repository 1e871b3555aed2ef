using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// How busy the single writer has been: wall time and thread CPU time inside its transactions (the engine's
/// bottleneck), transactions and writes. Read by the benchmark, per event.
/// </summary>
internal sealed record WriterLoad(TimeSpan Busy, TimeSpan Cpu, long Transactions, long Writes);

/// <summary>Accumulates <see cref="WriterLoad"/>: one measurement around each transaction, on the writer's thread.</summary>
internal sealed class WriterMeter
{
    private long _busyTicks;
    private long _cpuNanos;
    private long _transactions;
    private long _writes;

    public WriterLoad Load => new(Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks)), TimeSpan.FromTicks(Interlocked.Read(ref _cpuNanos) / 100),
        Interlocked.Read(ref _transactions), Interlocked.Read(ref _writes));

    public (long Wall, long Cpu) Start() => (Stopwatch.GetTimestamp(), ThreadCpuNanos());

    public void Stop((long Wall, long Cpu) started, int writes)
    {
        Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started.Wall);
        Interlocked.Add(ref _cpuNanos, ThreadCpuNanos() - started.Cpu);
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, writes);
    }

    // CPU time of the calling thread (Linux; elsewhere 0): unlike wall time it does not count waiting for a core on a busy machine.
    private static long ThreadCpuNanos()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? (t.Seconds * 1_000_000_000L) + t.Nanoseconds : 0;
    }

    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
