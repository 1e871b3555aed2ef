using System.ComponentModel.DataAnnotations;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>Settings of the embedded store (<c>PrivateFlows:Sqlite</c>).</summary>
public sealed class SqliteOptions
{
    public const string Section = "PrivateFlows:Sqlite";

    /// <summary>Database file; relative paths are relative to the working directory.</summary>
    [Required]
    public string Path { get; set; } = ".privateflows/privateflows.db";

    /// <summary><c>Normal</c> (fast; WAL keeps every commit across a process crash) or <c>Full</c> (also across power loss).</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>Most writes grouped in one transaction (group commit).</summary>
    [Range(1, 10_000)]
    public int MaxWritesPerTransaction { get; set; } = 512;

    /// <summary>
    /// Days a processed inbox event keeps its body; afterwards only its id, type, customer and times stay on the
    /// timeline (marked as dropped). 0 keeps bodies for ever. Pending and poisoned events always keep theirs.
    /// </summary>
    [Range(0, 36_500)]
    public int EventBodyRetentionDays { get; set; } = 30;

    /// <summary>
    /// How often the customers' timelines catch up with the inbox (<see cref="TimelineIndexer"/>); infinite: only when
    /// asked. Not a setting: tests turn the background turn off to see both sides of the mark.
    /// </summary>
    internal TimeSpan TimelineEvery { get; set; } = TimeSpan.FromSeconds(1);
}

public enum SqliteSynchronous { Normal, Full }
