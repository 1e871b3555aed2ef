using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// How the store keeps JSON it never queries in SQL (customer documents, inbox event bodies; journal rows and message
/// bodies through <see cref="PrimedRows"/>): UTF-8 compressed with zstd against a dictionary of that kind, serialised
/// straight to bytes (no intermediate string). A stored value is the format byte 3, the value's length (a varint),
/// then a zstd frame without magic number (4 bytes), content size, checksum or dictionary id.
/// <para>
/// Documents and rows are short and alike, so each kind has a dictionary: sample values of that kind
/// (<c>Primers/*.json</c>, <c>Primers/*.bin</c>) as raw content the frame refers back to. The document dictionary is
/// a waiting onboarding customer (1.5 KB). Each thread loads a kind's dictionary once into its own zstd contexts, so
/// a value costs only its own bytes. The dictionary is part of format 3 for good: a changed sample needs a new format
/// byte (and the old sample kept to read what was stored).
/// </para>
/// <para>
/// Earlier versions wrote Brotli (format 1: quality 1, no primer; format 2: after the same sample compressed in the
/// same stream, reading fed the decoder the sample's compressed bytes, <c>Primers/*.br</c>, first). Those values
/// still read; nothing writes them any more.
/// </para>
/// </summary>
internal sealed class CompressedJson
{
    private const byte Plain = 1;
    private const byte Primed = 2;
    private const byte Zstd = 3;
    private const int BrotliHeaderBytes = 1 + sizeof(int);
    private const int MaxHeaderBytes = 1 + 5;

    /// <summary>
    /// Measured on stored values of the benchmark (<c>--micro-compression</c>): level -1 is 1–4 µs faster a value but a
    /// full-workload document grows 15% (1,193 bytes instead of 1,034); level 3 saves 2–5% for 1–7 µs more.
    /// </summary>
    private const int Level = 1;

    public static CompressedJson Documents { get; } = new("document.json", "document.br");

    /// <summary>
    /// Against the bodies of the journey examples' events (<c>workflows/journeys/examples/*.events.jsonl</c>, one or two
    /// of each type, registrations last): the property names and vocabulary of the event schemas. A registration body
    /// takes about 140 bytes instead of 255 without a dictionary (272 with Brotli quality 1), and compresses and
    /// decompresses faster. Before zstd, event bodies had no primer (format 1 only).
    /// </summary>
    public static CompressedJson EventBodies { get; } = new(Resource("event-body.json"), []);

    private static int _kinds;

    [ThreadStatic]
    private static Compressor?[]? _compressors;

    [ThreadStatic]
    private static Decompressor?[]? _decompressors;

    private readonly int _kind = Interlocked.Increment(ref _kinds) - 1;
    private readonly byte[] _dictionary;
    private readonly byte[] _primerStream;

    private CompressedJson(string dictionary, string primerStream)
        : this(Resource(dictionary), Resource(primerStream))
    {
    }

    /// <summary>
    /// A kind with its dictionary (the sample values) and the sample's Brotli bytes that values of this kind were
    /// written after before zstd (format 2; empty for a kind that was never primed).
    /// </summary>
    internal CompressedJson(byte[] dictionary, byte[] primerStream)
    {
        _dictionary = dictionary;
        _primerStream = primerStream;
    }

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

    /// <summary>Compresses UTF-8 JSON (or any bytes of this kind) as it is.</summary>
    public byte[] Compress(ReadOnlySpan<byte> utf8)
    {
        var rented = ArrayPool<byte>.Shared.Rent(MaxHeaderBytes + ZstdSharp.Compressor.GetCompressBound(utf8.Length));
        try
        {
            rented[0] = Zstd;
            var header = 1 + WriteVarint(rented.AsSpan(1), (uint)utf8.Length);
            var written = ThreadCompressor().Wrap(utf8, rented.AsSpan(header));
            return rented.AsSpan(0, header + written).ToArray();
        }
        finally
        {
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
    /// property near the start of a long document (the profile) then skips most of the decompression; a zstd value up
    /// to <see cref="WholeUpTo"/> bytes is decompressed whole, which is cheaper.
    /// </summary>
    public T ReadPrefix<T, TState>(ReadOnlySpan<byte> stored, TState state, TryReadJson<T, TState> tryRead) => ReadPrefix(stored, state, tryRead, whole: false);

    private T ReadPrefix<T, TState>(ReadOnlySpan<byte> stored, TState state, TryReadJson<T, TState> tryRead, bool whole)
    {
        ArgumentNullException.ThrowIfNull(tryRead);
        if (stored.Length == 0) throw new InvalidDataException("not a compressed JSON value");
        return stored[0] switch
        {
            Zstd => ReadZstd(stored, state, tryRead, whole),
            Plain or Primed => ReadBrotli(stored, state, tryRead, whole),
            _ => throw new InvalidDataException("not a compressed JSON value"),
        };
    }

    private T ReadZstd<T, TState>(ReadOnlySpan<byte> stored, TState state, TryReadJson<T, TState> tryRead, bool whole)
    {
        var header = 1 + ReadVarint(stored[1..], out var length);
        if (length > int.MaxValue) throw new InvalidDataException("a compressed JSON value longer than 2 GB");
        var rented = ArrayPool<byte>.Shared.Rent((int)length);
        var decompressor = ThreadDecompressor();
        try
        {
            var input = stored[header..];
            if (whole || length <= WholeUpTo)
            {
                // One call: no streaming state, and the frame decodes straight into the buffer.
                if (decompressor.Unwrap(input, rented.AsSpan(0, (int)length)) != length) throw new InvalidDataException("a compressed JSON value has another length than stored");
                return tryRead(rented.AsSpan(0, (int)length), complete: true, state, out var value) ? value : throw new InvalidDataException("a compressed JSON value ended before what was read from it");
            }

            decompressor.ResetStream(); // an earlier prefix read may have stopped in the middle of its frame
            var written = 0;
            for (var step = PrefixStep; ; step *= 2)
            {
                var status = decompressor.UnwrapStream(input, rented.AsSpan(written, Math.Min((int)length - written, step)), out var consumed, out var produced);
                if (status == OperationStatus.InvalidData) throw new InvalidDataException("a compressed JSON value does not decompress");
                input = input[consumed..];
                written += produced;
                var complete = written == (int)length;
                if (tryRead(rented.AsSpan(0, written), complete, state, out var value)) return value;
                if (complete || (produced == 0 && status != OperationStatus.DestinationTooSmall))
                {
                    throw new InvalidDataException("a compressed JSON value ended before what was read from it");
                }
            }
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException("a compressed JSON value does not decompress", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Values an earlier version stored: Brotli, format 2 after the kind's sample.</summary>
    private T ReadBrotli<T, TState>(ReadOnlySpan<byte> stored, TState state, TryReadJson<T, TState> tryRead, bool whole)
    {
        if (stored.Length < BrotliHeaderBytes) throw new InvalidDataException("not a compressed JSON value");
        var length = BinaryPrimitives.ReadInt32LittleEndian(stored[1..]);
        if (length < 0) throw new InvalidDataException("a compressed JSON value with a negative length");
        var primed = stored[0] == Primed;
        if (primed && _primerStream.Length == 0) throw new InvalidDataException("a primed value of a kind that has no primer");
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, primed ? _dictionary.Length : 0));
        var decoder = new BrotliDecoder(); // a mutable struct: not a read-only using variable
        try
        {
            if (primed)
            {
                // The primer goes through the decoder into the same buffer and is overwritten by the value.
                var status = decoder.Decompress(_primerStream, rented, out var consumed, out var primer);
                if (status == OperationStatus.InvalidData || consumed != _primerStream.Length || primer != _dictionary.Length)
                {
                    throw new InvalidDataException("the embedded primer does not decompress to itself");
                }
            }

            var input = stored[BrotliHeaderBytes..];
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

    /// <summary>
    /// Shorter zstd values are decompressed whole even to read a prefix: streaming goes through the decoder's own
    /// buffer, and reading the profile of a waiting customer's document (1.7 KB) took 22 µs streamed against 13 whole,
    /// of a full-workload one (4.9 KB) 38 against 34.
    /// </summary>
    private const int WholeUpTo = 16 * 1024;

    /// <summary>This thread's compressor of this kind, its dictionary loaded on first use.</summary>
    private Compressor ThreadCompressor()
    {
        var compressors = _compressors;
        if (compressors is null || compressors.Length <= _kind) Array.Resize(ref _compressors, Math.Max(_kind + 1, 4));
        if (_compressors![_kind] is { } compressor) return compressor;
        compressor = new Compressor(Level);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_experimentalParam2, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless); // the format
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_contentSizeFlag, 0); // the header holds the length
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 0);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_dictIDFlag, 0); // the kind names its dictionary
        if (_dictionary.Length > 0) compressor.LoadDictionary(_dictionary);
        return _compressors[_kind] = compressor;
    }

    /// <summary>This thread's decompressor of this kind, its dictionary loaded on first use.</summary>
    private Decompressor ThreadDecompressor()
    {
        var decompressors = _decompressors;
        if (decompressors is null || decompressors.Length <= _kind) Array.Resize(ref _decompressors, Math.Max(_kind + 1, 4));
        if (_decompressors![_kind] is { } decompressor) return decompressor;
        decompressor = new Decompressor();
        decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_experimentalParam1, (int)ZSTD_format_e.ZSTD_f_zstd1_magicless); // the format
        if (_dictionary.Length > 0) decompressor.LoadDictionary(_dictionary);
        return _decompressors[_kind] = decompressor;
    }

    private static int WriteVarint(Span<byte> output, uint value)
    {
        var i = 0;
        for (; value >= 0x80; value >>= 7) output[i++] = (byte)(value | 0x80);
        output[i++] = (byte)value;
        return i;
    }

    private static int ReadVarint(ReadOnlySpan<byte> input, out uint value)
    {
        value = 0;
        for (var i = 0; i < 5 && i < input.Length; i++)
        {
            value |= (uint)(input[i] & 0x7F) << (7 * i);
            if (input[i] < 0x80) return i + 1;
        }

        throw new InvalidDataException("a compressed JSON value without its length");
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
