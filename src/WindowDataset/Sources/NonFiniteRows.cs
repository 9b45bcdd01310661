using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using WindowDataset.Sampling;

namespace WindowDataset.Sources;

/// <summary>
/// The rows of an array that hold a missing value (NaN, +inf, -inf): one bit per row, built by one streaming pass
/// and cached next to each local shard file as <c>&lt;file&gt;.wdmask</c> (<c>&lt;file&gt;.&lt;dataset&gt;.wdmask</c>
/// for an HDF5 dataset). The sidecar is little-endian: a 64-byte header (magic <c>WDMASK\0\0</c>, version 1, header
/// bytes, rows, the data file's length and last-write time in UTC ticks, a key of the shard's layout, the count of
/// bad rows, a checksum of the words), then ceil(rows / 64) 64-bit words (row r is bit r % 64 of word r / 64). A
/// sidecar whose header does not match the file as it is now (length, time, layout, rows) or whose checksum fails is
/// stale: it is rebuilt, never used. Integer and bool arrays have no missing values: no pass, no sidecar.
/// </summary>
internal static class NonFiniteRows
{
    public const string Extension = ".wdmask";

    public const int HeaderBytes = 64;

    private const uint Version = 1;

    private const int BlockBytes = 4 << 20;

    private static ReadOnlySpan<byte> Magic => "WDMASK\0\0"u8;

    /// <summary>True for element types that can hold a missing value.</summary>
    public static bool CanHold(ElementType type) => type is ElementType.Float64 or ElementType.Float32 or ElementType.Float16;

    /// <summary>
    /// The bad rows of the whole source (global rows): each local shard's sidecar when it is current, else one pass
    /// over the shard, whose sidecar is then written (when the folder is not writable the bitmap is kept in memory only).
    /// </summary>
    /// <param name="source">The array.</param>
    /// <param name="dataset">The source's dataset name (HDF5), part of the sidecar name and key; null for flat files.</param>
    /// <param name="cache">Read and write sidecars; false: always one pass, nothing written.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public static RowBitmap ForSource(ArraySource source, string? dataset, bool cache = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var all = new RowBitmap(source.TotalRows);
        if (!CanHold(source.ElementType))
        {
            return all;
        }

        using RowReader reader = PassReader(source);
        for (int i = 0; i < source.Shards.Length; i++)
        {
            ShardFile shard = source.Shards[i];
            string? sidecar = cache ? SidecarPath(shard, dataset) : null;
            RowBitmap? bits = sidecar is null ? null : TryLoad(sidecar, shard, source, dataset);
            if (bits is null)
            {
                (long length, long ticks) = Stamp(shard.Path);
                bits = BuildShard(source, i, reader, cancellationToken);
                if (sidecar is not null && Stamp(shard.Path) == (length, ticks))
                {
                    TryWrite(sidecar, shard, source, dataset, bits, length, ticks);
                }
            }

            all.CopyFrom(bits, shard.RowBase);
        }

        return all;
    }

    /// <summary>One pass over shard <paramref name="shard"/>: its bad rows (local rows).</summary>
    /// <param name="source">The array.</param>
    /// <param name="shard">The shard's index.</param>
    /// <param name="reader">A reader of <paramref name="source"/> whose output type is <see cref="PassType"/> (see <see cref="PassReader"/>).</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public static RowBitmap BuildShard(ArraySource source, int shard, RowReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(reader);
        ShardFile file = source.Shards[shard];
        var bits = new RowBitmap(file.Rows);
        if (!CanHold(source.ElementType) || file.Rows == 0)
        {
            return bits;
        }

        long rowBytes = reader.OutputRowBytes;
        int block = (int)Math.Clamp(BlockBytes / Math.Max(1, rowBytes), 1, Math.Min(file.Rows, int.MaxValue));
        if (block * rowBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(source), $"{file.Path}: row: expected at most {Array.MaxLength} bytes to scan for missing values; found {rowBytes}.");
        }

        byte[] buffer = new byte[block * rowBytes];
        byte[] scratch = new byte[reader.ScratchBytes(block)];
        for (long row = 0; row < file.Rows; row += block)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = (int)Math.Min(block, file.Rows - row);
            Span<byte> data = buffer.AsSpan(0, (int)(rows * rowBytes));
            reader.Read(shard, row, rows, data, scratch);
            Mark(data, reader.OutputType, source.RowElements, row, bits);
        }

        return bits;
    }

    /// <summary>
    /// Sets the bit of every row of <paramref name="rows"/> (native-endian <paramref name="type"/> values, whole rows
    /// of <paramref name="rowElements"/>, the first being row <paramref name="firstRow"/>) that holds NaN or an infinity.
    /// For callers that already stream the data (<c>windowds stats</c>).
    /// </summary>
    public static void Mark(ReadOnlySpan<byte> rows, ElementType type, long rowElements, long firstRow, RowBitmap bits)
    {
        ArgumentNullException.ThrowIfNull(bits);
        int size = ElementTypeInfo.SizeOf(type);
        long rowBytes = rowElements * size;
        long count = rows.Length / rowBytes;
        if (!CanHold(type) || !AnyNonFinite(rows, type))
        {
            return; // the common case: a clean block costs one vectorized scan
        }

        for (long r = 0; r < count; r++)
        {
            if (AnyNonFinite(rows.Slice((int)(r * rowBytes), (int)rowBytes), type))
            {
                bits.Set(firstRow + r);
            }
        }
    }

    /// <summary>The element type the pass reads in: the file's float type, float32 for float16.</summary>
    public static ElementType PassType(ElementType fileType) => fileType == ElementType.Float16 ? ElementType.Float32 : fileType;

    /// <summary>A reader for the pass: pread, and a one-chunk cache for chunked shards.</summary>
    public static RowReader PassReader(ArraySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ElementType type = PassType(source.ElementType);
        RowReader reader = RowReader.Create(source, type, IoMode.Pread, PageCachePolicy.Default);
        long largest = 0;
        foreach (ShardFile s in source.Shards)
        {
            largest = Math.Max(largest, s.Chunks?.ChunkBytes ?? 0);
        }

        return largest > 0 ? new ChunkedRowReader(source, type, PageCachePolicy.Default, reader, new ChunkCache(largest, 2)) : reader;
    }

    /// <summary>Where the sidecar of <paramref name="shard"/> lives; null when the shard is no local file (Zarr directory, URL).</summary>
    public static string? SidecarPath(ShardFile shard, string? dataset)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (shard.Handle is null || shard.Bytes is not null || !File.Exists(shard.Path))
        {
            return null;
        }

        if (string.IsNullOrEmpty(dataset))
        {
            return shard.Path + Extension;
        }

        var name = new StringBuilder(dataset.Length);
        foreach (char c in dataset.Trim('/'))
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return $"{shard.Path}.{name}{Extension}";
    }

    /// <summary>Reads a sidecar; null when it is missing, unreadable, stale (file length, time, layout or rows differ) or corrupt.</summary>
    public static RowBitmap? TryLoad(string path, ShardFile shard, ArraySource source, string? dataset)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            long words = (shard.Rows + 63) / 64;
            if (stream.Length != HeaderBytes + (words * 8))
            {
                return null; // validated against the shard before allocating
            }

            Span<byte> header = stackalloc byte[HeaderBytes];
            stream.ReadExactly(header);
            (long length, long ticks) = Stamp(shard.Path);
            if (!header[..8].SequenceEqual(Magic)
                || BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != Version
                || BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != HeaderBytes
                || BinaryPrimitives.ReadInt64LittleEndian(header[16..]) != shard.Rows
                || BinaryPrimitives.ReadInt64LittleEndian(header[24..]) != length
                || BinaryPrimitives.ReadInt64LittleEndian(header[32..]) != ticks
                || BinaryPrimitives.ReadUInt64LittleEndian(header[40..]) != LayoutKey(shard, source, dataset))
            {
                return null;
            }

            ulong[] data = new ulong[words];
            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(data, data);
            }

            var bits = new RowBitmap(data, shard.Rows);
            bool tail = (shard.Rows & 63) != 0 && (data[^1] >> (int)(shard.Rows & 63)) != 0;
            return tail || Checksum(data) != BinaryPrimitives.ReadUInt64LittleEndian(header[56..]) || bits.CountOnes() != BinaryPrimitives.ReadInt64LittleEndian(header[48..]) ? null : bits;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes a sidecar (to a temporary file, then renamed over the old one, so readers never see half a file).</summary>
    public static void Write(string path, ShardFile shard, ArraySource source, string? dataset, RowBitmap bits)
    {
        ArgumentNullException.ThrowIfNull(shard);
        (long length, long ticks) = Stamp(shard.Path);
        WriteStamped(path, shard, source, dataset, bits, length, ticks);
    }

    private static bool TryWrite(string path, ShardFile shard, ArraySource source, string? dataset, RowBitmap bits, long length, long ticks)
    {
        try
        {
            WriteStamped(path, shard, source, dataset, bits, length, ticks);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // a read-only folder: the bitmap stays in memory, the next run scans again
        }
    }

    private static void WriteStamped(string path, ShardFile shard, ArraySource source, string? dataset, RowBitmap bits, long length, long ticks)
    {
        ArgumentNullException.ThrowIfNull(bits);
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], shard.Rows);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], length);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], ticks);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], LayoutKey(shard, source, dataset));
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], bits.CountOnes());
        BinaryPrimitives.WriteUInt64LittleEndian(header[56..], Checksum(bits.Words));
        string temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(header);
                ulong[] words = bits.Words;
                if (!BitConverter.IsLittleEndian)
                {
                    words = (ulong[])words.Clone();
                    BinaryPrimitives.ReverseEndianness(words, words);
                }

                stream.Write(MemoryMarshal.AsBytes(words.AsSpan()));
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static (long Length, long Ticks) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : (-1, -1);
    }

    /// <summary>FNV-1a of what fixes the rows' bytes: format, type, byte order, row shape, data offset, dataset.</summary>
    private static ulong LayoutKey(ShardFile shard, ArraySource source, string? dataset)
    {
        string text = FormattableString.Invariant($"{shard.Format}|{source.ElementType}|{source.BigEndian}|{string.Join(',', source.RowShape)}|{shard.DataOffset}|{shard.Rows}|{dataset}");
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong Checksum(ReadOnlySpan<ulong> words)
    {
        ulong hash = 0x9E3779B97F4A7C15UL;
        foreach (ulong w in words)
        {
            hash = BitOperations.RotateLeft((hash ^ w) * 0xBF58476D1CE4E5B9UL, 31);
        }

        return hash;
    }

    private static bool AnyNonFinite(ReadOnlySpan<byte> data, ElementType type)
    {
        if (type == ElementType.Float32)
        {
            ReadOnlySpan<uint> bits = MemoryMarshal.Cast<byte, uint>(data);
            var exponent = new Vector<uint>(0x7F800000u);
            int i = 0;
            for (; i + Vector<uint>.Count <= bits.Length; i += Vector<uint>.Count)
            {
                if (Vector.EqualsAny(new Vector<uint>(bits[i..]) & exponent, exponent))
                {
                    return true;
                }
            }

            for (; i < bits.Length; i++)
            {
                if ((bits[i] & 0x7F800000u) == 0x7F800000u)
                {
                    return true;
                }
            }

            return false;
        }

        if (type == ElementType.Float64)
        {
            ReadOnlySpan<ulong> bits = MemoryMarshal.Cast<byte, ulong>(data);
            var exponent = new Vector<ulong>(0x7FF0000000000000UL);
            int i = 0;
            for (; i + Vector<ulong>.Count <= bits.Length; i += Vector<ulong>.Count)
            {
                if (Vector.EqualsAny(new Vector<ulong>(bits[i..]) & exponent, exponent))
                {
                    return true;
                }
            }

            for (; i < bits.Length; i++)
            {
                if ((bits[i] & 0x7FF0000000000000UL) == 0x7FF0000000000000UL)
                {
                    return true;
                }
            }

            return false;
        }

        if (type == ElementType.Float16)
        {
            foreach (ushort h in MemoryMarshal.Cast<byte, ushort>(data))
            {
                if ((h & 0x7C00) == 0x7C00)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
