namespace WindowDataset;

/// <summary>Sizes and names of <see cref="ElementType"/> values.</summary>
public static class ElementTypeInfo
{
    /// <summary>The names accepted by <see cref="Parse"/> besides numpy type codes, in <see cref="ElementType"/> order.</summary>
    private static readonly string[] s_names =
        ["float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "bool"];

    private static readonly string[] s_codes = ["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1"];

    /// <summary>Size of one element in bytes.</summary>
    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.Float64 or ElementType.Int64 or ElementType.UInt64 => 8,
        ElementType.Float32 or ElementType.Int32 or ElementType.UInt32 => 4,
        ElementType.Float16 or ElementType.Int16 or ElementType.UInt16 => 2,
        ElementType.Int8 or ElementType.UInt8 or ElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type."),
    };

    /// <summary>Reverses the byte order of every element of <paramref name="type"/> in <paramref name="data"/> (big- to little-endian and back).</summary>
    /// <exception cref="ArgumentException">The length of <paramref name="data"/> is not a multiple of the element size.</exception>
    public static void ReverseEndianness(Span<byte> data, ElementType type)
    {
        int size = SizeOf(type);
        if (data.Length % size != 0)
        {
            throw new ArgumentException($"data: expected a multiple of {size} bytes ({Name(type)}); found {data.Length}.", nameof(data));
        }

        Conversion.ElementConverter.SwapInPlace(data, size);
    }

    /// <summary>The numpy name (<c>float64</c>, <c>uint8</c>, <c>bool</c>...).</summary>
    public static string Name(ElementType type) => s_names[Index(type)];

    /// <summary>The numpy type code without byte order (<c>f8</c>, <c>u1</c>...).</summary>
    public static string Code(ElementType type) => s_codes[Index(type)];

    /// <summary>The numpy <c>descr</c> string for little-endian data (<c>&lt;f8</c>, <c>|u1</c>).</summary>
    public static string Descr(ElementType type) => (SizeOf(type) == 1 ? "|" : "<") + Code(type);

    /// <summary>
    /// Parses a type name (<c>float64</c>, <c>float32</c>...) or a numpy type string with an optional byte order
    /// (<c>f8</c>, <c>&lt;f8</c>, <c>&gt;i4</c>, <c>|u1</c>). Returns false for anything else.
    /// </summary>
    public static bool TryParse(string text, out ElementType type, out bool bigEndian)
    {
        ArgumentNullException.ThrowIfNull(text);
        type = default;
        bigEndian = false;
        string s = text.Trim();
        int nameIndex = Array.IndexOf(s_names, s.ToLowerInvariant());
        if (nameIndex >= 0)
        {
            type = (ElementType)nameIndex;
            return true;
        }

        char order = '=';
        if (s.Length == 3 && s[0] is '<' or '>' or '|' or '=')
        {
            order = s[0];
            s = s[1..];
        }

        int codeIndex = Array.IndexOf(s_codes, s);
        if (codeIndex < 0)
        {
            return false;
        }

        type = (ElementType)codeIndex;
        int size = SizeOf(type);
        if (order == '|' && size != 1)
        {
            return false; // numpy never writes '|' for multi-byte types: the byte order would be unknown.
        }

        bigEndian = order == '>' && size > 1;
        return true;
    }

    private static int Index(ElementType type) =>
        (uint)type < (uint)s_names.Length ? (int)type : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown element type.");

    /// <summary>Parses like <see cref="TryParse"/>, throwing <see cref="FormatException"/> with the accepted values.</summary>
    public static ElementType Parse(string text, out bool bigEndian)
    {
        if (!TryParse(text, out ElementType type, out bigEndian))
        {
            throw new FormatException(
                $"Unsupported element type '{text}': expected one of {string.Join(", ", s_names)} or a numpy code such as '<f8', '>i4', '|u1' ({string.Join(" ", s_codes)}).");
        }

        return type;
    }
}
