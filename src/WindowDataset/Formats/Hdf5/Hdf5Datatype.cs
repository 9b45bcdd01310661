using System.Text;

namespace WindowDataset.Formats.Hdf5;

/// <summary>Maps a datatype message (0x0003) onto an <see cref="ElementType"/>; everything else is refused by name.</summary>
internal static class Hdf5Datatype
{
    public static (ElementType Type, bool BigEndian) Parse(ReadOnlySpan<byte> data, Hdf5Io io, string where)
    {
        var c = new Hdf5Cursor(data, where, "datatype message", io.OffsetSize, io.LengthSize);
        int classAndVersion = c.U8();
        int cls = classAndVersion & 0x0F;
        int version = classAndVersion >> 4;
        int bits0 = c.U8();
        int bits1 = c.U8();
        int bits2 = c.U8();
        long size = c.U32();
        switch (cls)
        {
            case 0:
                {
                    bool bigEndian = (bits0 & 1) != 0;
                    bool signed = (bits0 & 0x08) != 0;
                    int offset = c.U16();
                    int precision = c.U16();
                    if (offset != 0 || precision != size * 8)
                    {
                        throw Hdf5Error.NotSupported(where, "datatype", $"an integer of {precision} bits at bit offset {offset} in {size} bytes; only full-width integers are read");
                    }

                    ElementType type = (size, signed) switch
                    {
                        (1, true) => ElementType.Int8,
                        (2, true) => ElementType.Int16,
                        (4, true) => ElementType.Int32,
                        (8, true) => ElementType.Int64,
                        (1, false) => ElementType.UInt8,
                        (2, false) => ElementType.UInt16,
                        (4, false) => ElementType.UInt32,
                        (8, false) => ElementType.UInt64,
                        _ => throw Hdf5Error.NotSupported(where, "datatype", $"a {size}-byte integer; integers of 1, 2, 4 or 8 bytes are read"),
                    };
                    return (type, bigEndian && size > 1);
                }

            case 1:
                {
                    int order = (bits0 & 1) | ((bits0 >> 5) & 2);
                    if (order > 1)
                    {
                        throw Hdf5Error.NotSupported(where, "datatype", "a VAX-ordered float; little- and big-endian IEEE floats are read");
                    }

                    int offset = c.U16();
                    int precision = c.U16();
                    int exponentAt = c.U8();
                    int exponentBits = c.U8();
                    int mantissaAt = c.U8();
                    int mantissaBits = c.U8();
                    uint bias = c.U32();
                    int sign = bits1;
                    int normalization = (bits0 >> 4) & 3;
                    (ElementType Type, int Sign, int ExpAt, int ExpBits, int MantBits, uint Bias) ieee = size switch
                    {
                        2 => (ElementType.Float16, 15, 10, 5, 10, 15u),
                        4 => (ElementType.Float32, 31, 23, 8, 23, 127u),
                        8 => (ElementType.Float64, 63, 52, 11, 52, 1023u),
                        _ => throw Hdf5Error.NotSupported(where, "datatype", $"a {size}-byte float; IEEE floats of 2, 4 or 8 bytes are read"),
                    };
                    if (offset != 0 || precision != size * 8 || sign != ieee.Sign || exponentAt != ieee.ExpAt || exponentBits != ieee.ExpBits
                        || mantissaAt != 0 || mantissaBits != ieee.MantBits || bias != ieee.Bias || normalization != 2 || (bits0 & 0x0E) != 0)
                    {
                        throw Hdf5Error.NotSupported(where, "datatype", $"a {size}-byte float that is not IEEE 754 (sign bit {sign}, exponent {exponentAt}+{exponentBits} bias {bias}, mantissa {mantissaAt}+{mantissaBits})");
                    }

                    return (ieee.Type, order == 1);
                }

            case 8:
                return Enumeration(data, c.Position, bits0 | (bits1 << 8), version, io, where);
            default:
                string name = cls switch
                {
                    2 => "time",
                    3 => "string",
                    4 => "bitfield",
                    5 => "opaque",
                    6 => "compound",
                    7 => "reference",
                    9 => (bits0 & 0x0F) == 1 ? "variable-length string" : "variable-length sequence",
                    10 => "array",
                    _ => $"class {cls}",
                };
                throw Hdf5Error.NotSupported(where, $"{name} datatype", "only integer, IEEE float and h5py bool (enum FALSE=0, TRUE=1 over int8) datasets are read as numeric arrays");
        }
    }

    /// <summary>h5py's bool: an enum over a 1-byte integer with exactly FALSE = 0 and TRUE = 1.</summary>
    private static (ElementType, bool) Enumeration(ReadOnlySpan<byte> data, int start, int members, int version, Hdf5Io io, string where)
    {
        const string Refusal = "only h5py's bool (FALSE = 0, TRUE = 1 over a 1-byte integer) is read among enums";
        if (members != 2)
        {
            throw Hdf5Error.NotSupported(where, "enum datatype", $"{members} members; {Refusal}");
        }

        var c = new Hdf5Cursor(data, where, "enum datatype", io.OffsetSize, io.LengthSize);
        c.Seek(start);
        int baseClass = c.U8() & 0x0F;
        c.Skip(3);
        long baseSize = c.U32();
        if (baseClass != 0 || baseSize != 1)
        {
            throw Hdf5Error.NotSupported(where, "enum datatype", $"a base type of class {baseClass}, {baseSize} bytes; {Refusal}");
        }

        c.Skip(4); // offset, precision
        string[] names = new string[2];
        for (int i = 0; i < 2; i++)
        {
            int begin = c.Position;
            int end = begin;
            while (c.Data[end] != 0)
            {
                end++;
                if (end >= c.Data.Length)
                {
                    throw Hdf5Error.Invalid(where, "enum datatype", "NUL-terminated member names", "a name running past the message");
                }
            }

            names[i] = Encoding.UTF8.GetString(c.Data[begin..end]);
            int length = end - begin + 1;
            c.Seek(begin + (version >= 3 ? length : (length + 7) / 8 * 8));
        }

        byte v0 = c.U8();
        byte v1 = c.U8();
        bool isBool = (names[0], names[1], v0, v1) is ("FALSE", "TRUE", 0, 1) or ("TRUE", "FALSE", 1, 0);
        return isBool ? (ElementType.Bool, false) : throw Hdf5Error.NotSupported(where, "enum datatype", $"members {names[0]} = {v0}, {names[1]} = {v1}; {Refusal}");
    }
}
