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
}
