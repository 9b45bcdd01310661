using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace WindowDataset.Formats.Zarr;

/// <summary>Checked access to Zarr metadata JSON: every failure says "<c>file: key: expected X; found Y.</c>".</summary>
internal static class ZarrJson
{
    /// <summary>Metadata files larger than this are refused (zarr-python writes well under 4 KiB).</summary>
    public const int MaxMetadataBytes = 1 << 20;

    public const int MaxRank = 32;

    /// <summary>Reads and parses a metadata file; the document must be a JSON object.</summary>
    public static JsonDocument Read(string file)
    {
        byte[] bytes;
        using (Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(file))
        {
            long length = RandomAccess.GetLength(handle);
            if (length > MaxMetadataBytes)
            {
                throw new InvalidDataException($"{file}: expected a metadata file of at most {MaxMetadataBytes} bytes; found {length} bytes.");
            }

            bytes = new byte[length];
            int total = 0;
            while (total < bytes.Length)
            {
                int n = RandomAccess.Read(handle, bytes.AsSpan(total), total);
                if (n == 0)
                {
                    throw new InvalidDataException($"{file}: expected {length} bytes; found {total} (file shrank while reading?).");
                }

                total += n;
            }
        }

        return Parse(file, bytes);
    }

    /// <summary>Parses metadata bytes: UTF-8 JSON whose root is an object.</summary>
    public static JsonDocument Parse(string file, ReadOnlyMemory<byte> bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            throw new InvalidDataException($"{file}: expected UTF-8 JSON; found invalid UTF-8 bytes.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{file}: expected JSON; found {ex.Message}", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            string kind = Kind(document.RootElement);
            document.Dispose();
            throw new InvalidDataException($"{file}: expected a JSON object; found {kind}.");
        }

        return document;
    }

    public static InvalidDataException Invalid(string file, string key, string expected, string found) =>
        new($"{file}: {key}: expected {expected}; found {found}.");

    public static NotSupportedException Unsupported(string file, string key, string found, string reason) =>
        new($"{file}: {key}: {found} is not supported: {reason}.");

    /// <summary>A short description of a value for messages: its JSON text, cut to 60 characters.</summary>
    public static string Show(JsonElement value)
    {
        string text = value.GetRawText();
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
    }

    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Show(value)}",
        JsonValueKind.Number => $"the number {Show(value)}",
        JsonValueKind.True or JsonValueKind.False => $"{Show(value)}",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static JsonElement Required(string file, JsonElement obj, string key, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(file, Parent(path), "an object", Kind(obj));
        }

        return obj.TryGetProperty(key, out JsonElement value) ? value : throw Invalid(file, path, "a value", "the key missing");
    }

    public static bool TryGet(JsonElement obj, string key, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;
    }

    public static string String(string file, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid(file, path, "a string", Kind(value));
        }

        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // An escaped lone surrogate (\uD800) cannot become a .NET string.
            throw Invalid(file, path, "a valid string", $"{ex.Message}");
        }
    }

    public static long Integer(string file, JsonElement value, string path, long min, long max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long n))
        {
            throw Invalid(file, path, $"an integer from {min} to {max}", Kind(value));
        }

        return n >= min && n <= max ? n : throw Invalid(file, path, $"an integer from {min} to {max}", n.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>An array of integers (a shape), rank 1 to <see cref="MaxRank"/>.</summary>
    public static long[] Dimensions(string file, JsonElement value, string path, long min, long max)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(file, path, "an array of integers", Kind(value));
        }

        int rank = value.GetArrayLength();
        if (rank == 0 || rank > MaxRank)
        {
            throw Invalid(file, path, $"1 to {MaxRank} dimensions", rank == 0 ? "none (a scalar array)" : $"{rank}");
        }

        var dims = new long[rank];
        int i = 0;
        foreach (JsonElement e in value.EnumerateArray())
        {
            dims[i] = Integer(file, e, $"{path}[{i}]", min, max);
            i++;
        }

        return dims;
    }

    public static int[] ChunkDimensions(string file, JsonElement value, string path, int rank)
    {
        long[] dims = Dimensions(file, value, path, 1, int.MaxValue);
        if (dims.Length != rank)
        {
            throw Invalid(file, path, $"{rank} dimensions (the rank of shape)", $"{dims.Length} ({Show(value)})");
        }

        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            result[i] = (int)dims[i];
        }

        return result;
    }

    public static void CheckGrid(string file, long[] shape, int[] chunks)
    {
        long total = 1;
        long elements = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long grid = shape[i] == 0 ? 0 : ((shape[i] - 1) / chunks[i]) + 1;
            if (grid != 0 && total > (1L << 48) / grid)
            {
                throw Invalid(file, "chunk grid", $"at most 2^48 chunks", $"more for shape ({string.Join(", ", shape)}) and chunks ({string.Join(", ", chunks)})");
            }

            total *= Math.Max(grid, 1);
            if (shape[i] != 0 && elements > long.MaxValue / 16 / shape[i])
            {
                throw Invalid(file, "shape", "at most 2^59 elements", $"({string.Join(", ", shape)})");
            }

            elements *= Math.Max(shape[i], 1);
        }
    }

    /// <summary>Refuses chunks whose decoded size exceeds <see cref="Sources.ChunkedArray.MaxChunkBytes"/>, before anything is allocated.</summary>
    public static void CheckChunkBytes(string file, string key, int[] chunks, ElementType type)
    {
        long bytes = ElementTypeInfo.SizeOf(type);
        foreach (int c in chunks)
        {
            bytes = Math.Min(bytes * c, Sources.ChunkedArray.MaxChunkBytes + 1); // saturates instead of overflowing
        }

        if (bytes > Sources.ChunkedArray.MaxChunkBytes)
        {
            throw Invalid(file, key, $"a decoded chunk of at most {Sources.ChunkedArray.MaxChunkBytes} bytes", $"({string.Join(", ", chunks)}) of {ElementTypeInfo.Name(type)}, more");
        }
    }

    /// <summary>
    /// The fill value as one element's bytes in the decoded byte order: null is 0; numbers must fit the type;
    /// floats also take "NaN", "Infinity", "-Infinity" and (v3) "0x..." bit patterns; bools take true/false.
    /// </summary>
    public static byte[] FillValue(string file, JsonElement value, string path, ElementType type, bool bigEndian, bool allowHex)
    {
        int size = ElementTypeInfo.SizeOf(type);
        var bytes = new byte[size];
        if (value.ValueKind == JsonValueKind.Null)
        {
            return bytes;
        }

        bool isFloat = type is ElementType.Float64 or ElementType.Float32 or ElementType.Float16;
        if (type == ElementType.Bool)
        {
            bytes[0] = value.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                JsonValueKind.Number when value.TryGetInt64(out long b) && b is 0 or 1 => (byte)b,
                _ => throw Invalid(file, path, "true, false or null for a bool array", Kind(value)),
            };
            return bytes;
        }

        if (isFloat)
        {
            double d;
            if (value.ValueKind == JsonValueKind.Number)
            {
                d = value.GetDouble();
            }
            else if (value.ValueKind == JsonValueKind.String && String(file, value, path) is string s)
            {
                if (allowHex && s.StartsWith("0x", StringComparison.Ordinal))
                {
                    if (s.Length != 2 + (2 * size) || !ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong bits))
                    {
                        throw Invalid(file, path, $"a bit pattern of {2 * size} hex digits after 0x", Kind(value));
                    }

                    for (int i = 0; i < size; i++)
                    {
                        bytes[bigEndian ? size - 1 - i : i] = (byte)(bits >> (8 * i));
                    }

                    return bytes;
                }

                d = s switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    _ => throw Invalid(file, path, allowHex ? "a number, \"NaN\", \"Infinity\", \"-Infinity\" or \"0x...\"" : "a number, \"NaN\", \"Infinity\" or \"-Infinity\"", Kind(value)),
                };
            }
            else
            {
                throw Invalid(file, path, "a number or null", Kind(value));
            }

            if (double.IsNaN(d))
            {
                // numpy's NaN is the positive quiet NaN; .NET's double.NaN has the sign bit set.
                ulong nan = type switch { ElementType.Float64 => 0x7FF8000000000000UL, ElementType.Float32 => 0x7FC00000UL, _ => 0x7E00UL };
                for (int i = 0; i < size; i++)
                {
                    bytes[i] = (byte)(nan >> (8 * i));
                }
            }
            else
            {
                switch (type)
                {
                    case ElementType.Float64:
                        BinaryPrimitives.WriteDoubleLittleEndian(bytes, d);
                        break;
                    case ElementType.Float32:
                        BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)d);
                        break;
                    default:
                        BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)d);
                        break;
                }
            }
        }
        else
        {
            if (value.ValueKind != JsonValueKind.Number)
            {
                throw Invalid(file, path, "an integer or null", Kind(value));
            }

            (decimal min, decimal max) = type switch
            {
                ElementType.Int64 => ((decimal)long.MinValue, (decimal)long.MaxValue),
                ElementType.Int32 => ((decimal)int.MinValue, (decimal)int.MaxValue),
                ElementType.Int16 => ((decimal)short.MinValue, (decimal)short.MaxValue),
                ElementType.Int8 => ((decimal)sbyte.MinValue, (decimal)sbyte.MaxValue),
                ElementType.UInt64 => (0m, (decimal)ulong.MaxValue),
                ElementType.UInt32 => (0m, (decimal)uint.MaxValue),
                ElementType.UInt16 => (0m, (decimal)ushort.MaxValue),
                _ => (0m, (decimal)byte.MaxValue),
            };
            if (!value.TryGetDecimal(out decimal n) || n != decimal.Truncate(n) || n < min || n > max)
            {
                throw Invalid(file, path, $"an integer from {min} to {max} ({ElementTypeInfo.Name(type)})", Kind(value));
            }

            ulong v = n < 0 ? (ulong)(long)n : (ulong)n; // two's complement for negative values
            for (int i = 0; i < size; i++)
            {
                bytes[i] = (byte)(v >> (8 * i));
            }
        }

        if (bigEndian)
        {
            bytes.AsSpan().Reverse();
        }

        return bytes;
    }

    private static string Parent(string path)
    {
        int dot = path.LastIndexOf('.');
        return dot < 0 ? "(root)" : path[..dot];
    }
}
