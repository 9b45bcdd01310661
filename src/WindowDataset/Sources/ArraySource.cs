using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using WindowDataset.Formats;
using WindowDataset.Formats.Hdf5;
using WindowDataset.Formats.Zarr;
using WindowDataset.Remote;

namespace WindowDataset.Sources;

/// <summary>
/// An array on disk, possibly in several shards concatenated along axis 0, opened and validated: every shard has
/// the same element type, byte order and row shape, and exactly the bytes its header or description promises.
/// </summary>
internal sealed class ArraySource : IDisposable
{
    /// <summary>Rows wider than this are refused (the loader's batch buffers are addressed with 32-bit spans).</summary>
    internal const long MaxRowBytes = 1L << 28;

    private ArraySource(ShardFile[] shards, ElementType type, bool bigEndian, int[] itemShape)
    {
        Shards = shards;
        ItemShape = itemShape;
        int[] rowShape = itemShape.Length == 0 ? [1] : itemShape;
        ElementType = type;
        BigEndian = bigEndian;
        RowShape = rowShape;
        long elements = 1;
        foreach (int d in rowShape)
        {
            elements *= d;
        }

        RowElements = elements;
        RowBytes = elements * ElementTypeInfo.SizeOf(type);
        long total = 0;
        foreach (ShardFile s in shards)
        {
            total += s.Rows;
        }

        TotalRows = total;
    }

    public ShardFile[] Shards { get; }

    /// <summary>The engine that reads this source's URLs (owned); null when every path is local.</summary>
    public RemoteEngine? Remote { get; private set; }

    /// <summary>Bytes of the remote engine's RAM block cache and whole-object read-ahead (part of the memory budget); 0 for local sources.</summary>
    public long RemoteCacheBytes => (Remote?.CacheCapacity ?? 0) + (Remote?.ObjectBytes ?? 0);

    public ElementType ElementType { get; }

    public bool BigEndian { get; }

    public int[] RowShape { get; }

    /// <summary>The file's own trailing axes: empty for a 1-D array (whose <see cref="RowShape"/> is (1,)).</summary>
    public int[] ItemShape { get; }

    public long RowElements { get; }

    public long RowBytes { get; }

    public long TotalRows { get; }

    /// <summary>Resolves the paths and glob of <paramref name="options"/> and opens every file.</summary>
    public static ArraySource Open(SourceOptions options, string role = "source", RemoteOptions? remote = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        RemoteEngine? engine = null;
        try
        {
            ArraySource source = Open(options, role, () => engine ??= CreateEngine(options, remote));
            source.Remote = engine;
            return source;
        }
        catch
        {
            engine?.Dispose();
            throw;
        }
    }

    private static RemoteEngine CreateEngine(SourceOptions options, RemoteOptions? remote)
    {
        RemoteOptions settings = remote?.Clone() ?? new RemoteOptions();
        if (options.Endpoint is { } endpoint)
        {
            settings.Endpoint = endpoint;
        }

        return new RemoteEngine(settings);
    }

    private static ArraySource Open(SourceOptions options, string role, Func<RemoteEngine> engine)
    {
        List<string> paths = ResolvePaths(options, role, engine);
        var shards = new List<ShardFile>(paths.Count);
        ElementType? type = null;
        bool bigEndian = false;
        int[]? rowShape = null;
        string? firstPath = null;
        long rowBase = 0;
        try
        {
            foreach (string path in paths)
            {
                SourceFormat kind = FormatOf(options.Format, path);
                if (options.Dataset is { } dataset && kind is not (SourceFormat.Hdf5 or SourceFormat.Zarr))
                {
                    throw new ArgumentException($"{path}: {role}.dataset: expected only for HDF5 or Zarr sources; found '{dataset}' for a {kind.ToString().ToLowerInvariant()} file.", nameof(options));
                }

                if (RemoteEngine.IsUrl(path))
                {
                    if (kind == SourceFormat.Zarr)
                    {
                        // A store is many objects: the array's metadata, chunks and shards are read by key under the URL.
                        ArrayDescription store = ZarrStore.Open(engine(), path, options.Dataset);
                        try
                        {
                            string name = RemoteEngine.Redact(path);
                            (ElementType rt, bool rbe, int[] rrs, long rrows) = Geometry(name, store);
                            Match(name, rt, rbe, rrs);
                            shards.Add(new ShardFile(name, null, 0, -1, rrows, rowBase, store.Format, store.Chunks));
                        }
                        catch
                        {
                            store.Chunks?.Dispose();
                            throw;
                        }

                        rowBase += shards[^1].Rows;
                        continue;
                    }

                    shards.Add(OpenRemote(engine(), path, kind, options, paths.Count, rowBase, Match));
                    rowBase += shards[^1].Rows;
                    continue;
                }

                if (kind == SourceFormat.Zarr)
                {
                    ArrayDescription zarr = OpenZarr(path, options.Dataset);
                    (ElementType zt, bool zbe, int[] zrs, long zrows) = Geometry(path, zarr);
                    Match(path, zt, zbe, zrs);
                    shards.Add(new ShardFile(path, null, 0, -1, zrows, rowBase, zarr.Format, zarr.Chunks));
                    rowBase += zrows;
                    continue;
                }

                SafeFileHandle handle = OpenFile(path);
                try
                {
                    long length = RandomAccess.GetLength(handle);
                    if (kind == SourceFormat.Hdf5)
                    {
                        ArrayDescription h5 = Hdf5File.Open(path, handle, length).Describe(options.Dataset);
                        (ElementType ht, bool hbe, int[] hrs, long hrows) = Geometry(path, h5);
                        Match(path, ht, hbe, hrs);
                        shards.Add(new ShardFile(path, handle, length, h5.DataOffset, hrows, rowBase, h5.Format, h5.Chunks));
                        rowBase += hrows;
                        continue;
                    }

                    (ElementType t, bool be, int[] rs, long rows, long offset, string format) = kind == SourceFormat.Npy
                        ? DescribeNpy(path, handle, length)
                        : DescribeRaw(path, length, options, paths.Count);
                    Match(path, t, be, rs);
                    shards.Add(new ShardFile(path, handle, length, offset, rows, rowBase, format));
                    rowBase += rows;
                }
                catch
                {
                    handle.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            foreach (ShardFile s in shards)
            {
                s.Dispose();
            }

            throw;
        }

        return new ArraySource([.. shards], type!.Value, bigEndian, rowShape!);

        void Match(string path, ElementType t, bool be, int[] rs)
        {
            if (type is null)
            {
                (type, bigEndian, rowShape, firstPath) = (t, be, rs, path);
            }
            else if (t != type || be != bigEndian || !rs.AsSpan().SequenceEqual(rowShape))
            {
                throw new InvalidDataException(
                    $"{path}: shard does not match {firstPath}: expected dtype {Describe(type.Value, bigEndian)} and row shape {FormatShape(rowShape!)}; found dtype {Describe(t, be)} and row shape {FormatShape(rs)}.");
            }
        }
    }

    /// <summary>Opens one object by URL: its bytes come from the remote engine; the formats parse them as they parse a file.</summary>
    private static ShardFile OpenRemote(RemoteEngine engine, string url, SourceFormat kind, SourceOptions options, int fileCount, long rowBase, Action<string, ElementType, bool, int[]> match)
    {
        ByteSource bytes = engine.Open(url);
        try
        {
            string name = bytes.Name;
            long length = bytes.Length;
            if (kind == SourceFormat.Hdf5)
            {
                ArrayDescription h5 = Hdf5File.Open(name, bytes, length).Describe(options.Dataset);
                (ElementType ht, bool hbe, int[] hrs, long hrows) = Geometry(name, h5);
                match(name, ht, hbe, hrs);
                return new ShardFile(name, null, length, h5.DataOffset, hrows, rowBase, h5.Format, h5.Chunks, bytes);
            }

            (ElementType t, bool be, int[] rs, long rows, long offset, string format) = kind == SourceFormat.Npy
                ? DescribeNpy(name, bytes, length)
                : DescribeRaw(name, length, options, fileCount);
            match(name, t, be, rs);
            return new ShardFile(name, null, length, offset, rows, rowBase, format, null, bytes);
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
    }

    /// <summary>The format of one path: the option, or from the name (<c>.npy</c>, <c>.h5</c>/<c>.hdf5</c>/<c>.he5</c>, a Zarr directory).</summary>
    internal static SourceFormat FormatOf(SourceFormat option, string path)
    {
        if (option != SourceFormat.Auto)
        {
            return option;
        }

        if (RemoteEngine.IsUrl(path) && path.IndexOf('?', StringComparison.Ordinal) is int query and >= 0)
        {
            path = path[..query]; // a presigned or SAS URL: the name is before the query
        }

        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            return SourceFormat.Npy;
        }

        if (path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".he5", StringComparison.OrdinalIgnoreCase))
        {
            return SourceFormat.Hdf5;
        }

        if (RemoteEngine.IsUrl(path) && path.TrimEnd('/').EndsWith(".zarr", StringComparison.OrdinalIgnoreCase))
        {
            return SourceFormat.Zarr; // a store by URL cannot be probed for its metadata before it is opened
        }

        return IsZarrDirectory(path) ? SourceFormat.Zarr : SourceFormat.Raw;
    }

    /// <summary>Element type, byte order, row shape and rows of a container's array, with the limits every source has.</summary>
    private static (ElementType, bool, int[], long) Geometry(string path, ArrayDescription array)
    {
        int[] rowShape = ToRowShape(path, "shape", array.Shape.AsSpan(1));
        _ = RowBytesOf(path, rowShape, array.Type);
        long rows = array.Shape[0];
        if (rows == 0)
        {
            throw new InvalidDataException($"{path}: rows: expected at least 1 row; found 0 (shape {ShapeText(array.Shape)}).");
        }

        return (array.Type, array.BigEndian, rowShape, rows);
    }

    private static ArrayDescription OpenZarr(string path, string? array) => ZarrStore.Open(path, array);

    /// <summary>A directory holding Zarr metadata (<c>.zarray</c>, <c>.zgroup</c> or <c>zarr.json</c>).</summary>
    internal static bool IsZarrDirectory(string path) =>
        Directory.Exists(path) && (File.Exists(Path.Combine(path, ".zarray")) || File.Exists(Path.Combine(path, ".zgroup")) || File.Exists(Path.Combine(path, "zarr.json")));

    /// <summary>A source over shards opened elsewhere (tests, and formats that describe their own shards); takes ownership.</summary>
    internal static ArraySource FromShards(ShardFile[] shards, ElementType type, bool bigEndian, int[] itemShape) => new(shards, type, bigEndian, itemShape);

    /// <summary>Finds the shard holding global row <paramref name="row"/>.</summary>
    public int FindShard(long row)
    {
        int lo = 0, hi = Shards.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (Shards[mid].RowBase <= row)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    public void Dispose()
    {
        foreach (ShardFile s in Shards)
        {
            s.Dispose();
        }

        Remote?.Dispose();
    }

    internal static string Describe(ElementType type, bool bigEndian) =>
        (ElementTypeInfo.SizeOf(type) == 1 ? "|" : bigEndian ? ">" : "<") + ElementTypeInfo.Code(type);

    internal static string FormatShape(IReadOnlyList<int> shape) => "(" + string.Join(", ", shape) + (shape.Count == 1 ? ",)" : ")");

    private static List<string> ResolvePaths(SourceOptions options, string role, Func<RemoteEngine> engine)
    {
        var paths = new List<string>();
        if (options.Paths is not null)
        {
            foreach (string p in options.Paths)
            {
                if (string.IsNullOrWhiteSpace(p))
                {
                    throw new ArgumentException($"{role}.paths: expected file paths; found an empty entry.", nameof(options));
                }

                if (RemoteEngine.IsUrl(p) && IsPattern(p))
                {
                    paths.AddRange(ListRemote(engine(), p, role));
                }
                else
                {
                    paths.Add(p);
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Glob) && RemoteEngine.IsUrl(options.Glob))
        {
            paths.AddRange(ListRemote(engine(), options.Glob, role));
        }
        else if (!string.IsNullOrWhiteSpace(options.Glob))
        {
            string glob = options.Glob;
            string directory = Path.GetDirectoryName(glob) is { Length: > 0 } d ? d : ".";
            string pattern = Path.GetFileName(glob);
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"{role}.glob '{glob}': directory '{directory}' not found.");
            }

            var matches = new List<string>();
            foreach (string file in Directory.EnumerateFileSystemEntries(directory))
            {
                if (FileSystemName.MatchesSimpleExpression(pattern, Path.GetFileName(file), ignoreCase: false) && (File.Exists(file) || IsZarrDirectory(file)))
                {
                    matches.Add(file);
                }
            }

            if (matches.Count == 0)
            {
                throw new FileNotFoundException($"{role}.glob '{glob}': expected at least one matching file; found none.", glob);
            }

            matches.Sort(StringComparer.Ordinal);
            paths.AddRange(matches);
        }

        if (paths.Count == 0)
        {
            throw new ArgumentException($"{role}: expected at least one path or a glob; found none.", nameof(options));
        }

        return paths;
    }

    /// <summary>A URL with <c>*</c> or <c>?</c> in its object name (before any query string): a shard pattern to list.</summary>
    private static bool IsPattern(string url)
    {
        int query = url.IndexOf('?', url.IndexOf("://", StringComparison.Ordinal) + 3);
        ReadOnlySpan<char> name = query < 0 ? url : url.AsSpan(0, query);
        return name.IndexOfAny('*', '?') >= 0 || (query >= 0 && url.AsSpan(0, query).Contains('*'));
    }

    private static IReadOnlyList<string> ListRemote(RemoteEngine engine, string pattern, string role)
    {
        IReadOnlyList<string> matches = engine.List(pattern);
        if (matches.Count == 0)
        {
            throw new FileNotFoundException($"{role}: '{RemoteEngine.Redact(pattern)}': expected at least one matching object; found none.", RemoteEngine.Redact(pattern));
        }

        return matches;
    }

    private static SafeFileHandle OpenFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"{path}: expected a file; found a directory.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }

        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnauthorizedAccessException($"{path}: cannot open for reading ({ex.Message}).", ex);
        }
    }

    private static (ElementType, bool, int[], long, long, string) DescribeNpy(string path, SafeFileHandle handle, long length) =>
        DescribeNpy(path, new LocalFileBytes(path, handle, length), length);

    private static (ElementType, bool, int[], long, long, string) DescribeNpy(string path, ByteSource bytes, long length)
    {
        NpyHeader header = NpyHeader.Read(path, bytes, length);
        int[] rowShape = ToRowShape(path, "shape", header.Shape.AsSpan(1));
        long rows = header.Shape[0];
        long rowBytes = RowBytesOf(path, rowShape, header.ElementType);
        long dataBytes = length - header.DataOffset;
        if (rows > dataBytes / rowBytes)
        {
            throw NpyHeader.Invalid(path, "shape", $"data that fits the file: {length} bytes hold {dataBytes / rowBytes} rows of {rowBytes} bytes after the {header.DataOffset}-byte header",
                $"shape {ShapeText(header.Shape)} (truncated file, or a header that lies about the shape)");
        }

        if (rows * rowBytes != dataBytes)
        {
            throw NpyHeader.Invalid(path, "size", $"{header.DataOffset + (rows * rowBytes)} bytes for shape {ShapeText(header.Shape)}", $"{length} bytes ({dataBytes - (rows * rowBytes)} trailing bytes)");
        }

        return (header.ElementType, header.BigEndian, rowShape, rows, header.DataOffset, $"npy {header.Major}.{header.Minor}");
    }

    private static string ShapeText(long[] shape) => shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    private static (ElementType, bool, int[], long, long, string) DescribeRaw(string path, long length, SourceOptions options, int fileCount)
    {
        if (string.IsNullOrWhiteSpace(options.DType))
        {
            throw new ArgumentException($"{path}: raw source needs source.dtype (e.g. \"float64\" or \"<f8\"); found none.", nameof(options));
        }

        if (!ElementTypeInfo.TryParse(options.DType, out ElementType type, out bool bigEndian))
        {
            throw new ArgumentException($"{path}: source.dtype: expected one of float64 float32 float16 int64 int32 int16 int8 uint64 uint32 uint16 uint8 bool or a numpy code ('<f8', '>i4'); found '{options.DType}'.", nameof(options));
        }

        int[] rowShape = options.RowShape is { Count: > 0 } rs ? [.. rs] : [];
        foreach (int d in rowShape)
        {
            if (d <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"{path}: source.rowShape: expected dimensions > 0; found {FormatShape(rowShape)}.");
            }
        }

        if (options.HeaderOffset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{path}: source.headerOffset: expected >= 0; found {options.HeaderOffset}.");
        }

        if (options.Rows is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{path}: source.rows: expected > 0 or null; found {options.Rows}.");
        }

        long rowBytes = RowBytesOf(path, rowShape, type);
        long offset = options.HeaderOffset;
        if (offset > length)
        {
            throw new InvalidDataException($"{path}: source.headerOffset: expected at most the file size {length}; found {offset}.");
        }

        long dataBytes = length - offset;
        long rows;
        if (options.Rows is { } given)
        {
            if (fileCount > 1)
            {
                throw new ArgumentException($"{path}: source.rows: expected null for a source of {fileCount} files (each file's row count comes from its size); found {given}.", nameof(options));
            }

            if (given > dataBytes / rowBytes)
            {
                throw new InvalidDataException($"{path}: file size: expected {offset} + {given} rows x {rowBytes} bytes; found {length} bytes, which hold {dataBytes / rowBytes} rows (truncated file, or wrong source.rows).");
            }

            if (given * rowBytes != dataBytes)
            {
                throw new InvalidDataException($"{path}: file size: expected {offset} + {given} rows x {rowBytes} bytes = {offset + (given * rowBytes)} bytes; found {length} bytes ({dataBytes - (given * rowBytes)} bytes more).");
            }

            rows = given;
        }
        else
        {
            if (dataBytes % rowBytes != 0)
            {
                throw new InvalidDataException($"{path}: file size: expected a multiple of the row size {rowBytes} bytes ({Describe(type, bigEndian)} x row shape {FormatShape(rowShape)}) after the {offset}-byte header; found {dataBytes} bytes ({dataBytes % rowBytes} left over).");
            }

            rows = dataBytes / rowBytes;
        }

        if (rows == 0)
        {
            throw new InvalidDataException($"{path}: rows: expected at least 1 row; found 0 ({length} bytes).");
        }

        return (type, bigEndian, rowShape, rows, offset, "raw");
    }

    private static int[] ToRowShape(string path, string field, ReadOnlySpan<long> dims)
    {
        int[] shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue)
            {
                throw NpyHeader.Invalid(path, field, $"row dimensions up to {int.MaxValue}", dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            shape[i] = (int)dims[i];
        }

        return shape;
    }

    private static long RowBytesOf(string path, int[] rowShape, ElementType type)
    {
        long bytes = ElementTypeInfo.SizeOf(type);
        foreach (int d in rowShape)
        {
            bytes *= d;
            if (bytes > MaxRowBytes)
            {
                throw new InvalidDataException($"{path}: row shape {FormatShape(rowShape)}: expected a row of at most {MaxRowBytes} bytes; found more.");
            }
        }

        return bytes;
    }
}
