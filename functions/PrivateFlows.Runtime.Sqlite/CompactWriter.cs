using System.Text;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// Writes the compact column of a journal or facts row: variable-length integers, UTF-8 strings, and a per-row table
/// of repeated strings (instance ids, journeys, steps) so each is stored once per row.
/// </summary>
internal sealed class CompactWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;
    private readonly List<string> _strings = [];

    public void Byte(byte value)
    {
        Grow(1);
        _buffer[_length++] = value;
    }

    public void UInt(ulong value)
    {
        Grow(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    /// <summary>A signed number, small when near zero (zigzag).</summary>
    public void Int(long value) => UInt((ulong)((value << 1) ^ (value >> 63)));

    public void Text(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        UInt((ulong)count);
        Grow(count);
        _length += Encoding.UTF8.GetBytes(value, 0, value.Length, _buffer, _length);
    }

    /// <summary>A string likely to repeat within the row: 0 and the text the first time, then its 1-based place.</summary>
    public void Shared(string value)
    {
        for (var i = 0; i < _strings.Count; i++)
        {
            if (string.Equals(_strings[i], value, StringComparison.Ordinal))
            {
                UInt((ulong)(i + 1));
                return;
            }
        }

        _strings.Add(value);
        UInt(0);
        Text(value);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private void Grow(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
