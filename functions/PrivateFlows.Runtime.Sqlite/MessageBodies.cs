using System.Buffers.Binary;
using System.Text;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// A sent message's body as the messages row keeps it: compressed against a dictionary of typical bodies
/// (<see cref="PrimedRows.MessageBodies"/>) as a BLOB when that is shorter, otherwise (and in rows written before
/// bodies were compressed) as TEXT. SQL never looks inside a body; the message log and the outbox read it back through <see cref="Read"/>. The
/// row's time goes the same way: UTC ticks as 8 bytes where ISO text took 28 (rows written before keep the text).
/// </summary>
internal static class MessageBodies
{
    public static object Store(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var utf8 = Encoding.UTF8.GetBytes(body);
        var packed = PrimedRows.MessageBodies.Compress(utf8);
        return packed.Length < utf8.Length ? packed : body;
    }

    public static string Read(object stored) => stored switch
    {
        byte[] packed => Encoding.UTF8.GetString(PrimedRows.MessageBodies.Decompress(packed)),
        string text => text,
        _ => throw new InvalidDataException($"a message body stored as {stored?.GetType().Name ?? "null"}"),
    };

    /// <summary>
    /// UTC ticks as an 8-byte BLOB: the at column has TEXT affinity, which would turn an integer into its 18 digits,
    /// and no SQL orders or compares by it.
    /// </summary>
    public static byte[] Time(DateTimeOffset at)
    {
        var ticks = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(ticks, at.UtcTicks);
        return ticks;
    }

    public static DateTimeOffset ReadTime(object stored) => stored switch
    {
        byte[] { Length: sizeof(long) } ticks => new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(ticks), TimeSpan.Zero),
        string text => StoredTime.Parse(text),
        _ => throw new InvalidDataException($"a message time stored as {stored?.GetType().Name ?? "null"}"),
    };
}
