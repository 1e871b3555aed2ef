using System.ComponentModel.DataAnnotations;

namespace PrivateFlows.Host.Events;

/// <summary>Limits of <c>POST /api/events</c> (<c>PrivateFlows:Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string Section = "PrivateFlows:Ingest";

    /// <summary>Largest request body; larger requests get 413 and nothing is stored.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    [Range(1, 100_000)]
    public int MaxBatchEvents { get; set; } = 1000;

    /// <summary>How far past the receipt time an event's <c>time</c> may lie (producers' clocks drift); later is a 400.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Refuse (400) events of a type no contract or published journey knows, instead of accepting them with a warning.</summary>
    public bool StrictTypes { get; set; }
}
