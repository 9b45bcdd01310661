using System.Buffers;
using System.Reflection;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace WindowDataset.Cli.Conversion;

/// <summary>
/// An HDF5 dataset (as h5py writes it: contiguous, chunked or compact, any filter PureHDF decodes) to a little-endian
/// .npy, read as hyperslabs of whole rows (aligned to the chunk rows) in bounded memory. Managed code only (PureHDF).
/// </summary>
internal static class Hdf5Converter
{
    private const long TargetChunkBytes = 8L << 20;

    public static (long[] Shape, ElementType Type) Convert(string input, string datasetPath, string output, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        NativeFile file;
        try
        {
            file = H5File.OpenRead(input);
        }
        catch (Exception ex) when (ex is not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{input}: expected an HDF5 file; found one PureHDF cannot open ({ex.Message.ReplaceLineEndings(" ")}).", ex);
        }

        using (file)
        {
            NativeDataset dataset = OpenDataset(file, input, datasetPath);
            string where = $"{input}: dataset '{datasetPath}'";
            if (dataset.Space.Type != H5DataspaceType.Simple || dataset.Space.Rank < 1)
            {
                throw new InvalidDataException($"{where}: expected an array with at least one dimension; found a {dataset.Space.Type.ToString().ToLowerInvariant()} dataspace.");
            }

            (ElementType type, bool bigEndian) = MapType(dataset, where);
            ulong[] dims = dataset.Space.Dimensions;
            long[] shape = [.. dims.Select(d => checked((long)d))];
            int size = ElementTypeInfo.SizeOf(type);
            long rowElements = 1;
            for (int i = 1; i < shape.Length; i++)
            {
                rowElements = checked(rowElements * shape[i]);
            }

            long rowBytes = rowElements * size;
            long rows = shape[0];
            long chunkRows = dataset.Layout.Class == H5DataLayoutClass.Chunked && dataset.Layout.Chunks.Length > 0 ? Math.Max(1, (long)dataset.Layout.Chunks[0]) : 1;
            long rowsPerRead = Math.Max(1, TargetChunkBytes / Math.Max(rowBytes, 1));
            rowsPerRead = Math.Max(chunkRows, rowsPerRead / chunkRows * chunkRows);
            rowsPerRead = Math.Min(rowsPerRead, Math.Max(rows, 1));
            if (rowsPerRead * rowBytes > int.MaxValue)
            {
                throw new InvalidDataException($"{where}: expected chunks of at most 2 GiB; found a row chunk of {rowsPerRead * rowBytes} bytes.");
            }

            using var writer = new NpyWriter(output, type, shape);
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(rowsPerRead * rowBytes, 1));
            try
            {
                ulong[] start = new ulong[shape.Length];
                ulong[] block = [.. dims];
                for (long row = 0; row < rows && rowBytes > 0; row += rowsPerRead)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    long n = Math.Min(rowsPerRead, rows - row);
                    start[0] = (ulong)row;
                    block[0] = (ulong)n;
                    Span<byte> chunk = buffer.AsSpan(0, (int)(n * rowBytes));
                    var selection = new HyperslabSelection(shape.Length, start, block);
                    dataset.Read(chunk, selection, null, [(ulong)chunk.Length]);
                    if (bigEndian)
                    {
                        ElementTypeInfo.ReverseEndianness(chunk, type);
                    }

                    writer.Write(chunk);
                    progress?.Report((double)(row + n) / rows);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            writer.Complete();
            return (shape, type);
        }
    }

    private static NativeDataset OpenDataset(NativeFile file, string input, string datasetPath)
    {
        string path = datasetPath.Trim();
        bool exists;
        try
        {
            exists = path.Length > 0 && file.LinkExists(path);
        }
        catch (Exception ex) when (ex is not IOException)
        {
            exists = false;
        }

        if (!exists)
        {
            throw new InvalidDataException($"{input}: dataset '{datasetPath}' not found; expected one of: {ListDatasets(file)}.");
        }

        IH5Object item = file.Get(path);
        if (item is not NativeDataset dataset)
        {
            throw new InvalidDataException($"{input}: '{datasetPath}' is a {(item is IH5Group ? "group" : item.GetType().Name)}; expected a dataset (datasets in the file: {ListDatasets(file)}).");
        }

        return dataset;
    }

    private static string ListDatasets(NativeFile file)
    {
        var names = new List<string>();
        Walk(file, string.Empty, names, 0);
        return names.Count == 0 ? "(none)" : string.Join(", ", names.Take(20)) + (names.Count > 20 ? $" and {names.Count - 20} more" : string.Empty);
    }

    private static void Walk(IH5Group group, string prefix, List<string> names, int depth)
    {
        if (depth > 16 || names.Count > 100)
        {
            return;
        }

        foreach (IH5Object child in group.Children())
        {
            string name = prefix + "/" + child.Name;
            if (child is IH5Dataset)
            {
                names.Add(name);
            }
            else if (child is IH5Group sub)
            {
                Walk(sub, name, names, depth + 1);
            }
        }
    }

    private static (ElementType Type, bool BigEndian) MapType(NativeDataset dataset, string where)
    {
        IH5DataType t = dataset.Type;
        int size = t.Size;
        ElementType? type = t.Class switch
        {
            H5DataTypeClass.FloatingPoint => size switch { 8 => ElementType.Float64, 4 => ElementType.Float32, 2 => ElementType.Float16, _ => null },
            H5DataTypeClass.FixedPoint when t.FixedPoint.IsSigned => size switch { 8 => ElementType.Int64, 4 => ElementType.Int32, 2 => ElementType.Int16, 1 => ElementType.Int8, _ => null },
            H5DataTypeClass.FixedPoint => size switch { 8 => ElementType.UInt64, 4 => ElementType.UInt32, 2 => ElementType.UInt16, 1 => ElementType.UInt8, _ => null },
            H5DataTypeClass.Enumerated when size == 1 && IsBoolean(t) => ElementType.Bool,
            _ => null,
        };
        if (type is null)
        {
            throw new InvalidDataException($"{where}: unsupported HDF5 type ({t.Class}, {size} bytes); expected a float (2, 4, 8 bytes), an integer (1, 2, 4, 8 bytes) or h5py's bool.");
        }

        return (type.Value, size > 1 && IsBigEndian(dataset));
    }

    private static bool IsBoolean(IH5DataType t)
    {
        IDictionary<string, sbyte> members = t.Enumeration.GetMembers<sbyte>();
        return members.Count == 2 && members.TryGetValue("FALSE", out sbyte f) && f == 0 && members.TryGetValue("TRUE", out sbyte v) && v == 1;
    }

    /// <summary>
    /// PureHDF 2.2 reads raw bytes in file order but does not expose the byte order publicly: read it from the
    /// datatype message (pinned PureHDF version), else probe with a typed read, which PureHDF refuses for big-endian data.
    /// </summary>
    private static bool IsBigEndian(NativeDataset dataset)
    {
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        object? message = typeof(NativeDataset).GetProperty("InternalDataType", Flags)?.GetValue(dataset);
        object? bitField = message?.GetType().GetProperty("BitField", Flags)?.GetValue(message);
        string? order = bitField?.GetType().GetProperty("ByteOrder", Flags)?.GetValue(bitField)?.ToString();
        if (order is not null)
        {
            return order.StartsWith("Big", StringComparison.Ordinal);
        }

        ulong[] first = new ulong[dataset.Space.Rank];
        ulong[] one = [.. Enumerable.Repeat(1UL, dataset.Space.Rank)];
        try
        {
            Span<long> probe = stackalloc long[1];
            switch (dataset.Type.Size)
            {
                case 8: dataset.Read(probe, new HyperslabSelection(first.Length, first, one), null, [1]); break;
                case 4: dataset.Read(System.Runtime.InteropServices.MemoryMarshal.Cast<long, int>(probe)[..1], new HyperslabSelection(first.Length, first, one), null, [1]); break;
                default: dataset.Read(System.Runtime.InteropServices.MemoryMarshal.Cast<long, short>(probe)[..1], new HyperslabSelection(first.Length, first, one), null, [1]); break;
            }

            return false;
        }
        catch (Exception ex) when (ex.Message.Contains("Byte order", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
    }
}
