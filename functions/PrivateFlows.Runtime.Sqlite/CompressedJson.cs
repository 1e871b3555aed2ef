using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// How the store keeps JSON it never queries in SQL (customer documents, inbox event bodies): UTF-8 JSON compressed
/// with Brotli, behind a 4-byte little-endian length of the JSON. Brotli quality 1 was measured on a full-workload
/// document at 7.7 KB → 1.8 KB for about 23 µs to compress and 15 µs to decompress (Deflate fastest: 2.2 KB; Brotli
/// quality 2 and up or Deflate optimal: 1.4–1.7 KB for 80–500 µs), and its built-in dictionary also shrinks short
/// event bodies. Values are serialised straight to UTF-8 bytes, without an intermediate string.
/// </summary>
internal static class CompressedJson
{
    private const int Quality = 1;
    private const int Window = 16; // 64 KiB: larger than any document, and the smallest state to set up per call
    private const int LengthBytes = sizeof(int);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>Serialises <paramref name="value"/> with <paramref name="options"/> and compresses it.</summary>
    public static byte[] Serialize<T>(T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        // The writer carries the encoder: a serializer writing to a Utf8JsonWriter uses the writer's, not the options'.
        var writer = _writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
        writer.Reset(buffer);
        try
        {
            JsonSerializer.Serialize(writer, value, options);
            writer.Flush();
            return Compress(buffer.WrittenSpan);
        }
        finally
        {
            writer.Reset(Stream.Null); // holds no reference to the buffer between calls
            if (buffer.Capacity > 1 << 20) _buffer = null; // a rare huge value does not stay pinned to the thread
        }
    }

    /// <summary>Compresses UTF-8 JSON as it is.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> utf8)
    {
        var rented = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(utf8.Length));
        try
        {
            if (!BrotliEncoder.TryCompress(utf8, rented, out var written, Quality, Window)) throw new InvalidOperationException("Brotli could not compress into its own maximum length");
            var stored = new byte[LengthBytes + written];
            BinaryPrimitives.WriteInt32LittleEndian(stored, utf8.Length);
            rented.AsSpan(0, written).CopyTo(stored.AsSpan(LengthBytes));
            return stored;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Deserialises what <see cref="Serialize{T}"/> stored.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> stored, JsonSerializerOptions options) =>
        Read(stored, options, static (utf8, options) => JsonSerializer.Deserialize<T>(utf8, options) ?? throw new JsonException($"null where a {typeof(T).Name} was expected"));

    /// <summary>Decompresses into a pooled buffer and hands the UTF-8 JSON to <paramref name="read"/> (which must not keep it).</summary>
    public static T Read<T, TState>(ReadOnlySpan<byte> stored, TState state, ReadJson<T, TState> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (stored.Length < LengthBytes) throw new InvalidDataException("a compressed JSON value shorter than its length prefix");
        var length = BinaryPrimitives.ReadInt32LittleEndian(stored);
        if (length < 0) throw new InvalidDataException("a compressed JSON value with a negative length");
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (!BrotliDecoder.TryDecompress(stored[LengthBytes..], rented, out var written) || written != length)
            {
                throw new InvalidDataException("a compressed JSON value does not decompress to its stored length");
            }

            return read(rented.AsSpan(0, length), state);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Decompresses only as much as <paramref name="tryRead"/> needs: it gets a growing prefix of the UTF-8 JSON
    /// (<c>complete</c> once it is all there) and answers false until the prefix holds what it reads. Reading one
    /// property near the start of a document (the profile) then skips most of the decompression.
    /// </summary>
    public static T ReadPrefix<T, TState>(ReadOnlySpan<byte> stored, TState state, TryReadJson<T, TState> tryRead)
    {
        ArgumentNullException.ThrowIfNull(tryRead);
        if (stored.Length < LengthBytes) throw new InvalidDataException("a compressed JSON value shorter than its length prefix");
        var length = BinaryPrimitives.ReadInt32LittleEndian(stored);
        if (length < 0) throw new InvalidDataException("a compressed JSON value with a negative length");
        var rented = ArrayPool<byte>.Shared.Rent(length);
        var decoder = new BrotliDecoder(); // a mutable struct: not a using variable, which would be a read-only copy
        try
        {
            var input = stored[LengthBytes..];
            var written = 0;
            for (var step = PrefixStep; ; step *= 2)
            {
                var status = decoder.Decompress(input, rented.AsSpan(written, Math.Min(length - written, step)), out var consumed, out var produced);
                if (status == OperationStatus.InvalidData) throw new InvalidDataException("a compressed JSON value does not decompress");
                input = input[consumed..];
                written += produced;
                var complete = written == length;
                if (tryRead(rented.AsSpan(0, written), complete, state, out var value)) return value;
                if (complete || (produced == 0 && status != OperationStatus.DestinationTooSmall))
                {
                    throw new InvalidDataException("a compressed JSON value ended before what was read from it");
                }
            }
        }
        finally
        {
            decoder.Dispose();
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The first prefix <see cref="ReadPrefix"/> decompresses (then twice as much each time).</summary>
    private const int PrefixStep = 4096;

    public delegate T ReadJson<out T, in TState>(ReadOnlySpan<byte> utf8, TState state);

    public delegate bool TryReadJson<T, in TState>(ReadOnlySpan<byte> prefix, bool complete, TState state, out T value);
}
