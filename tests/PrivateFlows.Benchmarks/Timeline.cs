using System.Diagnostics;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// On demand (<c>BENCH_TIMELINE=1</c>): every 250 ms, to stderr, how many inputs were committed, how busy the cores,
/// the writer and the garbage collector were in that slice, and how many were queued. Shows where a run's wall time goes.
/// </summary>
public sealed class Timeline : IDisposable
{
    private readonly EngineHost _engine;
    private readonly Timer _timer;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private Slice _last;

    public Timeline(EngineHost engine)
    {
        _engine = engine;
        _last = Sample();
        Console.Error.WriteLine($"  timeline from monotonic {Monotonic():F3} s");
        _timer = new Timer(_ => Print(), null, 250, 250);
    }

    private readonly record struct Slice(TimeSpan At, long Inputs, TimeSpan Cpu, TimeSpan Writer, TimeSpan Paused);

    private Slice Sample() =>
        new(_watch.Elapsed, _engine.StepInputs, Process.GetCurrentProcess().TotalProcessorTime, _engine.WriterLoad.Busy, GC.GetTotalPauseDuration());

    /// <summary>CLOCK_MONOTONIC in seconds: the clock of <c>perf record -k CLOCK_MONOTONIC</c>, to cut a profile to the run.</summary>
    private static double Monotonic() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    private void Print()
    {
        var now = Sample();
        var slice = (now.At - _last.At).TotalMilliseconds;
        Console.Error.WriteLine($"  t={now.At.TotalSeconds,5:F2}s inputs/s {(now.Inputs - _last.Inputs) * 1000 / slice,7:F0} cpu {(now.Cpu - _last.Cpu).TotalMilliseconds / slice / Environment.ProcessorCount,4:P0} " +
            $"writer {(now.Writer - _last.Writer).TotalMilliseconds / slice,4:P0} gc {(now.Paused - _last.Paused).TotalMilliseconds / slice,4:P0} queued {_engine.Queues.Outstanding,7}");
        _last = now;
    }

    public void Dispose()
    {
        _timer.Dispose();
        Console.Error.WriteLine($"  timeline to monotonic {Monotonic():F3} s");
    }
}
