namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// Row columns no SQL looks inside (journal rows, message bodies), compressed like documents
/// (<see cref="CompressedJson"/>): zstd against a dictionary of typical values of that kind (<c>Primers/*.bin</c>;
/// <c>Primers/*.br</c> are the same samples as Brotli, to read rows written before zstd). A waiting customer's rows are
/// short and alike ("entered … version …", the sent message's body), which plain compression can hardly shrink but a
/// dictionary can. Journey facts rows stay plain: priming them with Brotli saved about 16 bytes of a 110-byte row for
/// 16 µs more to write and 11 µs instead of 0.7 to read, and the statistics read every facts row of a journey.
/// </summary>
internal static class PrimedRows
{
    public static CompressedJson Journal { get; } = Load("journal");

    public static CompressedJson MessageBodies { get; } = Load("message-body");

    private static CompressedJson Load(string kind) => new(CompressedJson.Resource($"{kind}.bin"), CompressedJson.Resource($"{kind}.br"));
}
