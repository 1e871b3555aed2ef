using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// How the store keeps JSON it never queries in SQL (customer documents, inbox event bodies): UTF-8 JSON compressed
/// with Brotli, serialised straight to bytes (no intermediate string). A stored value is a format byte, the JSON's
/// length (4 bytes, little-endian), then the Brotli bytes.
/// <para>
/// Documents and event bodies are short and alike, so each kind has a primer: sample JSON of that kind
/// (<c>Primers/*.json</c>) compressed ahead of the value in the same Brotli stream, so the value's bytes refer back
/// to it. Only the part after the primer is stored; a reader feeds the decoder the primer's own compressed bytes
/// (<c>Primers/*.br</c>, fixed when the primer was made) and then the stored part. The document primer is a waiting
/// onboarding customer (1.5 KB): such a document takes 230 bytes instead of 762 (quality 1 unprimed), a
/// full-workload one 1,035 instead of 1,490, for about 13 and 31 µs more to write (a 6.6 KB primer reached 710 bytes
/// for 67 µs more). Quality 1 cannot refer back across the primer, hence quality 2. Should a future runtime's encoder no longer produce the embedded primer bytes,
/// values are written unprimed (quality 1), and everything stored keeps reading.
/// </para>
/// </summary>
internal sealed class CompressedJson
{
    private const byte Plain = 1;
    private const byte Primed = 2;
    private const int PlainQuality = 1; // 7.7 KB → 1.8 KB in about 23 µs (Deflate fastest: 2.2 KB; higher qualities 80–500 µs)
    private const int PrimedQuality = 2; // the lowest quality that refers back to earlier blocks (the primer)
    private const int Window = 16; // 64 KiB: the primer and any document
    private const int HeaderBytes = 1 + sizeof(int);

    public static CompressedJson Documents { get; } = new("document");

    /// <summary>
    /// Unprimed: a primed registration body takes about 107 bytes instead of 279, but quality 2 sets up a 256 KiB
    /// hash table per encoder, about 55 µs on every ingested event (10 µs unprimed).
    /// </summary>
    public static CompressedJson EventBodies { get; } = new([], []);

    private readonly byte[] _primer;
    private readonly byte[] _primerStream;

    private CompressedJson(string kind)
        : this(Resource($"{kind}.json"), Resource($"{kind}.br"))
    {
    }

    /// <summary>A kind with its primer and the primer's compressed bytes as values of this kind were first written with.</summary>
    internal CompressedJson(byte[] primer, byte[] primerStream)
    {
        _primer = primer;
        _primerStream = primerStream;
        IsPrimed = primer.Length > 0 && PrimerStream(_primer).AsSpan().SequenceEqual(_primerStream);
    }

    /// <summary>False when this runtime's Brotli encoder no longer reproduces the embedded primer bytes: values are written unprimed.</summary>
    public bool IsPrimed { get; }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    /// <summary>Serialises <paramref name="value"/> with <paramref name="options"/> and compresses it.</summary>
    public byte[] Serialize<T>(T value, JsonSerializerOptions options)
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
    public byte[] Compress(ReadOnlySpan<byte> utf8)
    {
        var primed = IsPrimed;
        var rented = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(utf8.Length + (primed ? _primer.Length : 0)) + 64);
        var encoder = new BrotliEncoder(primed ? PrimedQuality : PlainQuality, Window); // a mutable struct: not a read-only using variable
        try
        {
            var skip = 0;
            if (primed)
            {
                skip = Prime(ref encoder, _primer, rented);
                if (skip != _primerStream.Length) throw new InvalidOperationException("the Brotli encoder primed differently from its start-up check");
            }

            if (encoder.Compress(utf8, rented.AsSpan(skip), out _, out var written, isFinalBlock: true) != OperationStatus.Done)
            {
                throw new InvalidOperationException("Brotli could not compress into its own maximum length");
            }

            var stored = new byte[HeaderBytes + written];
            stored[0] = primed ? Primed : Plain;
            BinaryPrimitives.WriteInt32LittleEndian(stored.AsSpan(1), utf8.Length);
            rented.AsSpan(skip, written).CopyTo(stored.AsSpan(HeaderBytes));
            return stored;
        }
        finally
        {
            encoder.Dispose();
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Deserialises what <see cref="Serialize{T}"/> stored.</summary>
    public T Deserialize<T>(ReadOnlySpan<byte> stored, JsonSerializerOptions options) =>
        ReadPrefix(stored, options, static (ReadOnlySpan<byte> utf8, bool complete, JsonSerializerOptions options, out T value) =>
        {
            value = default!;
            if (!complete) return false;
            value = JsonSerializer.Deserialize<T>(utf8, options) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");
            return true;
        }, whole: true);

    /// <summary>The bytes <see cref="Compress"/> stored, decompressed whole.</summary>
    public byte[] Decompress(ReadOnlySpan<byte> stored) =>
        ReadPrefix(stored, 0, static (ReadOnlySpan<byte> bytes, bool complete, int _, out byte[] value) =>
        {
            value = complete ? bytes.ToArray() : [];
            return complete;
        }, whole: true);

    /// <summary>
    /// Decompresses only as much as <paramref name="tryRead"/> needs: it gets a growing prefix of the UTF-8 JSON
    /// (<c>complete</c> once it is all there) and answers false until the prefix holds what it reads. Reading one
    /// property near the start of a document (the profile) then skips most of the decompression.
    /// </summary>
    public T ReadPrefix<T, TState>(ReadOnlySpan<byte> stored, TState state, TryReadJson<T, TState> tryRead) => ReadPrefix(stored, state, tryRead, whole: false);

    private T ReadPrefix<T, TState>(ReadOnlySpan<byte> stored, TState state, TryReadJson<T, TState> tryRead, bool whole)
    {
        ArgumentNullException.ThrowIfNull(tryRead);
        if (stored.Length < HeaderBytes || stored[0] is not (Plain or Primed)) throw new InvalidDataException("not a compressed JSON value");
        var length = BinaryPrimitives.ReadInt32LittleEndian(stored[1..]);
        if (length < 0) throw new InvalidDataException("a compressed JSON value with a negative length");
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, stored[0] == Primed ? _primer.Length : 0));
        var decoder = new BrotliDecoder(); // a mutable struct: not a read-only using variable
        try
        {
            if (stored[0] == Primed)
            {
                // The primer goes through the decoder into the same buffer and is overwritten by the value.
                var status = decoder.Decompress(_primerStream, rented, out var consumed, out var primer);
                if (status == OperationStatus.InvalidData || consumed != _primerStream.Length || primer != _primer.Length)
                {
                    throw new InvalidDataException("the embedded primer does not decompress to itself");
                }
            }

            var input = stored[HeaderBytes..];
            var written = 0;
            for (var step = whole ? Math.Max(length, 1) : PrefixStep; ; step *= 2)
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

    /// <summary>The primer compressed and flushed at a byte boundary, as this runtime's encoder does it (what <c>Primers/*.br</c> hold).</summary>
    internal static byte[] PrimerStream(ReadOnlySpan<byte> primer)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(primer.Length) + 64];
        var encoder = new BrotliEncoder(PrimedQuality, Window);
        try
        {
            return output[..Prime(ref encoder, primer, output)];
        }
        finally
        {
            encoder.Dispose();
        }
    }

    private static int Prime(ref BrotliEncoder encoder, ReadOnlySpan<byte> primer, Span<byte> output)
    {
        if (encoder.Compress(primer, output, out _, out var written, isFinalBlock: false) != OperationStatus.Done ||
            encoder.Flush(output[written..], out var flushed) != OperationStatus.Done)
        {
            throw new InvalidOperationException("Brotli could not compress a primer");
        }

        return written + flushed;
    }

    /// <summary>An embedded file of <c>Primers/</c>.</summary>
    internal static byte[] Resource(string name)
    {
        using var stream = typeof(CompressedJson).Assembly.GetManifestResourceStream($"PrivateFlows.Runtime.Sqlite.Primers.{name}")
            ?? throw new InvalidOperationException($"the primer {name} is not embedded");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public delegate bool TryReadJson<T, in TState>(ReadOnlySpan<byte> prefix, bool complete, TState state, out T value);
}
