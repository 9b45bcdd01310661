using System.Globalization;

namespace WindowDataset.Sources;

/// <summary>
/// An array stored as a grid of chunks (an HDF5 chunked or compact dataset, a Zarr array): its geometry and a way
/// to decode one chunk. Thread-safe: workers decode different chunks at the same time. Edge chunks are decoded at
/// full chunk size, as HDF5 and Zarr store them; the caller copies only the part inside <see cref="Shape"/>.
/// </summary>
internal abstract class ChunkedArray : IDisposable
{
    protected ChunkedArray(string path, string name, ElementType type, bool bigEndian, long[] shape, int[] chunkShape, byte[] fillValue, string codec)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(chunkShape);
        if (shape.Length == 0 || shape.Length != chunkShape.Length)
        {
            throw new ArgumentException($"{path}: chunk shape rank {chunkShape.Length} does not match array rank {shape.Length}.", nameof(chunkShape));
        }

        Path = path;
        Name = name;
        ElementType = type;
        BigEndian = bigEndian;
        Shape = shape;
        ChunkShape = chunkShape;
        FillValue = fillValue.Length == ElementTypeInfo.SizeOf(type) ? fillValue : new byte[ElementTypeInfo.SizeOf(type)];
        Codec = codec;
        GridShape = new long[shape.Length];
        long elements = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (chunkShape[i] <= 0)
            {
                throw new InvalidDataException($"{path}: {name}: chunk shape: expected dimensions > 0; found ({string.Join(", ", chunkShape)}).");
            }

            GridShape[i] = shape[i] == 0 ? 0 : ((shape[i] - 1) / chunkShape[i]) + 1;
            elements = checked(elements * chunkShape[i]);
        }

        ChunkElements = elements;
        ChunkBytes = checked(elements * ElementTypeInfo.SizeOf(type));
        if (ChunkBytes > MaxChunkBytes)
        {
            throw new InvalidDataException($"{path}: {name}: chunk shape ({string.Join(", ", chunkShape)}): expected a decoded chunk of at most {MaxChunkBytes} bytes; found {ChunkBytes} bytes.");
        }
    }

    /// <summary>Decoded chunks larger than this are refused: a chunk must fit one cache entry and one span.</summary>
    public const long MaxChunkBytes = 1L << 30;

    /// <summary>The file or directory, for messages.</summary>
    public string Path { get; }

    /// <summary>The dataset or array inside <see cref="Path"/> (<c>/grp/x</c>); empty when the path is the array.</summary>
    public string Name { get; }

    /// <summary>The element type of the decoded chunk bytes.</summary>
    public ElementType ElementType { get; }

    /// <summary>Whether the decoded chunk bytes are big-endian.</summary>
    public bool BigEndian { get; }

    /// <summary>The array's shape; axis 0 is rows.</summary>
    public long[] Shape { get; }

    /// <summary>The chunk shape, same rank as <see cref="Shape"/>.</summary>
    public int[] ChunkShape { get; }

    /// <summary>Chunks along each axis: ceil(shape / chunk).</summary>
    public long[] GridShape { get; }

    public long ChunkElements { get; }

    /// <summary>Bytes of one decoded chunk (full chunk size, also for edge chunks).</summary>
    public long ChunkBytes { get; }

    /// <summary>One element's bytes, in the decoded chunks' byte order: the value of chunks never written.</summary>
    public byte[] FillValue { get; }

    /// <summary>The codec chain, for <c>info</c> and messages: <c>deflate(1)+shuffle</c>, <c>blosc(lz4,5,shuffle)</c>.</summary>
    public string Codec { get; }

    /// <summary>
    /// Decodes the chunk at grid coordinates <paramref name="chunk"/> into <paramref name="destination"/> (exactly
    /// <see cref="ChunkBytes"/> bytes, C order over <see cref="ChunkShape"/>). Returns false, leaving the destination
    /// untouched, when the chunk was never written (the caller fills <see cref="FillValue"/>). Corrupt stored bytes
    /// raise <see cref="InvalidDataException"/> naming the path, the array and the chunk (<see cref="Describe"/>).
    /// </summary>
    public abstract bool TryReadChunk(ReadOnlySpan<long> chunk, Span<byte> destination);

    /// <summary>Whether <see cref="WillNeedChunk"/> can fetch chunks ahead (a remote array); false for local files, which read as before.</summary>
    public virtual bool ReadsAhead => false;

    /// <summary>
    /// Starts fetching the stored bytes of the chunk at grid coordinates <paramref name="chunk"/> for a later
    /// <see cref="TryReadChunk"/>; <paramref name="stillNeeded"/>, when given, is asked before a request goes out
    /// and says whether the caller still lacks the chunk. Never blocks on I/O and never throws: a failure shows at
    /// the read.
    /// </summary>
    public virtual void WillNeedChunk(ReadOnlySpan<long> chunk, Func<bool>? stillNeeded)
    {
    }

    /// <summary>
    /// Bytes one chunk fetched ahead as a whole object (a remote Zarr chunk) holds at most in the engine's
    /// whole-object read-ahead; 0 when chunks are not read ahead that way (local, HDF5 and sharded chunks go
    /// through the block cache, if at all).
    /// </summary>
    public virtual long ReadAheadObjectBytes => 0;

    /// <summary>"<c>path: name: chunk (i, j)</c>": the prefix of every message about one chunk.</summary>
    public string Describe(ReadOnlySpan<long> chunk)
    {
        var text = new System.Text.StringBuilder(Path);
        if (Name.Length > 0)
        {
            text.Append(": ").Append(Name);
        }

        text.Append(": chunk (");
        for (int i = 0; i < chunk.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(chunk[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(')').ToString();
    }

    public virtual void Dispose()
    {
    }
}
