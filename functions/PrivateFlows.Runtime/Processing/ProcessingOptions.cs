using System.ComponentModel.DataAnnotations;

namespace PrivateFlows.Runtime.Processing;

/// <summary>How inputs are processed (<c>PrivateFlows:Processing</c>).</summary>
public sealed class ProcessingOptions
{
    public const string Section = "PrivateFlows:Processing";

    /// <summary>
    /// Customers are spread over this many sequential workers (one customer always on the same worker). Workers are
    /// cheap (async), and more of them put more steps into each group commit of the SQLite store. 128: a timer burst
    /// (one step per customer) fired at the rate it fell due only from about 128 up (64: 4,200/s of 5,000 due per second,
    /// p99 lateness 3.5 s; 128: 4,900/s, 0.4 s), while at 256 a stream of events formed smaller batches (2.96 inputs
    /// per step instead of 4.2) and ran 9% slower.
    /// </summary>
    [Range(1, 256)]
    public int Workers { get; set; } = 128;

    /// <summary>
    /// Most queued inputs of one customer (events and fired timers) processed as one step: one read, one commit, one
    /// dispatch for all of them, decided in order exactly as sequential steps. 1 turns batching off. At most
    /// <see cref="Storage.CustomerDocument.RememberedInputs"/>, so a batch's inputs are all remembered as processed.
    /// </summary>
    [Range(1, Storage.CustomerDocument.RememberedInputs)]
    public int MaxBatch { get; set; } = 64;

    /// <summary>
    /// Most lone fired timers a worker runs at once, each for a different customer (a customer's own inputs still run one
    /// at a time, in order); 1 runs them one after another like events. In a burst every fired timer is a step of its
    /// own that spends most of its time waiting for the writer's group commit: one at a time per worker, 100k timers due
    /// within 20 s fired at 4,600–4,800/s (p99 lateness 0.9–1.7 s) with the cores 70% busy; with 4 lanes at the rate they
    /// fell due, 4,950/s (p99 0.1–0.3 s). Events keep one step per worker: more steps at once made their batches smaller.
    /// </summary>
    [Range(1, 64)]
    public int TimerLanes { get; set; } = 4;

    /// <summary>Tries of an input that throws before it is parked as poison.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Re-reads after an ETag conflict before the attempt counts as failed.</summary>
    [Range(1, 1000)]
    public int MaxConflictRetries { get; set; } = 20;

    /// <summary>Most timers handed to the workers and not yet processed.</summary>
    [Range(1, 100_000)]
    public int MaxTimersInFlight { get; set; } = 2000;

    /// <summary>
    /// Most inputs queued in memory or being processed before new events are refused (HTTP 429 with <c>Retry-After</c>),
    /// so memory stays bounded under overload. A batch is taken whole when the backlog is empty. A large backlog is what
    /// lets a customer's inputs meet in one batched step; beyond <see cref="MaxEventsInMemory"/> it costs a few hundred
    /// bytes per event.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxBacklog { get; set; } = 100_000;

    /// <summary>
    /// Most queued events held in memory whole; an event accepted while the backlog is larger is queued by its id and
    /// its body read back from the inbox by the step that processes it (one read per batched step). Whole events cost
    /// about 1.4 KB each (140 MB at 100,000) and save the read back: 2,327 → 2,785 events/s at 20,000 → 100,000 (40k-event A/B).
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxEventsInMemory { get; set; } = 100_000;

    /// <summary>What a refused producer is told to wait before sending again (<c>Retry-After</c>, whole seconds).</summary>
    public TimeSpan BusyRetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest the timer service sleeps without re-reading the index (a guard against clock changes; nearer timers wake it anyway).</summary>
    public TimeSpan MaxTimerSleep { get; set; } = TimeSpan.FromMinutes(5);
}
