using System.Text;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>Reads what <see cref="CompactWriter"/> wrote, in the same order.</summary>
internal sealed class CompactReader(byte[] buffer)
{
    private readonly List<string> _strings = [];
    private int _position;

    public bool AtEnd => _position >= buffer.Length;

    public byte Byte() => buffer[_position++];

    public ulong UInt()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
            if (shift > 56) throw new InvalidDataException("a compact row holds a malformed number");
        }
    }

    public long Int()
    {
        var raw = UInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public string Text()
    {
        var count = checked((int)UInt());
        var value = Encoding.UTF8.GetString(buffer, _position, count);
        _position += count;
        return value;
    }

    public string Shared()
    {
        var place = UInt();
        if (place > 0) return _strings[checked((int)place - 1)];
        var value = Text();
        _strings.Add(value);
        return value;
    }
}
