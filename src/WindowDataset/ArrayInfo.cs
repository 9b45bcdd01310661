using WindowDataset.Sources;

namespace WindowDataset;

/// <summary>What an array source holds: element type, shape and shards, read from the headers and file sizes.</summary>
public sealed class ArrayInfo
{
    private ArrayInfo(ElementType type, bool bigEndian, IReadOnlyList<int> rowShape, long rows, long rowBytes, IReadOnlyList<ShardInfo> shards)
    {
        ElementType = type;
        BigEndian = bigEndian;
        RowShape = rowShape;
        Rows = rows;
        RowBytes = rowBytes;
        Shards = shards;
    }

    /// <summary>Element type of the files.</summary>
    public ElementType ElementType { get; }

    /// <summary>True when the files store big-endian values (they are byte-swapped on read).</summary>
    public bool BigEndian { get; }

    /// <summary>numpy <c>descr</c> of the files (<c>&lt;f8</c>, <c>&gt;i4</c>, <c>|u1</c>).</summary>
    public string Descr => ArraySource.Describe(ElementType, BigEndian);

    /// <summary>Shape of one row (the trailing axes; (1,) for a 1-D array).</summary>
    public IReadOnlyList<int> RowShape { get; }

    /// <summary>Total rows over all shards.</summary>
    public long Rows { get; }

    /// <summary>Bytes per row.</summary>
    public long RowBytes { get; }

    /// <summary>The files, in order.</summary>
    public IReadOnlyList<ShardInfo> Shards { get; }

    /// <summary>Number of valid window starts for windows of <paramref name="window"/> rows (windows never cross a shard boundary).</summary>
    public long CountWindowStarts(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        long total = 0;
        foreach (ShardInfo s in Shards)
        {
            total += Math.Max(0, s.Rows - window + 1);
        }

        return total;
    }

    /// <summary>Opens, validates and describes a source.</summary>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public static ArrayInfo Read(SourceOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using ArraySource opened = ArraySource.Open(source);
        return From(opened);
    }

    /// <summary>Opens, validates and describes one or more files (format from the extension).</summary>
    public static ArrayInfo Read(params string[] paths) => Read(SourceOptions.FromPaths(paths));

    internal static ArrayInfo From(ArraySource source)
    {
        var shards = new ShardInfo[source.Shards.Length];
        for (int i = 0; i < shards.Length; i++)
        {
            ShardFile s = source.Shards[i];
            shards[i] = new ShardInfo(s.Path, s.Format, s.Rows, s.RowBase, s.DataOffset, s.FileLength);
        }

        return new ArrayInfo(source.ElementType, source.BigEndian, Array.AsReadOnly(source.RowShape), source.TotalRows, source.RowBytes, shards);
    }
}
