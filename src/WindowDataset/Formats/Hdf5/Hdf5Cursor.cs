using System.Buffers.Binary;

namespace WindowDataset.Formats.Hdf5;

/// <summary>A bounds-checked little-endian reader over one structure's bytes; overruns raise <see cref="InvalidDataException"/>.</summary>
internal ref struct Hdf5Cursor
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _path;
    private readonly string _what;

    public Hdf5Cursor(ReadOnlySpan<byte> data, string path, string what, int offsetSize, int lengthSize)
    {
        _data = data;
        _path = path;
        _what = what;
        OffsetSize = offsetSize;
        LengthSize = lengthSize;
        Position = 0;
    }

    public int OffsetSize { get; }

    public int LengthSize { get; }

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public readonly ReadOnlySpan<byte> Data => _data;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>An unsigned little-endian integer of 1 to 8 bytes.</summary>
    public ulong UInt(int size)
    {
        ReadOnlySpan<byte> b = Take(size);
        ulong v = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            v = (v << 8) | b[i];
        }

        return v;
    }

    /// <summary>An address; -1 when undefined (all bits set).</summary>
    public long Offset()
    {
        ulong v = UInt(OffsetSize);
        ulong undefined = OffsetSize == 8 ? ulong.MaxValue : (1UL << (8 * OffsetSize)) - 1;
        if (v == undefined)
        {
            return -1;
        }

        return v > long.MaxValue / 2 ? throw Hdf5Error.Invalid(_path, _what, "an address below 2^62", v.ToString(System.Globalization.CultureInfo.InvariantCulture)) : (long)v;
    }

    /// <summary>A length field that must fit in a signed 64-bit integer.</summary>
    public long Length() => Checked(UInt(LengthSize), "a length");

    public long Checked(ulong value, string field) =>
        value > long.MaxValue / 2 ? throw Hdf5Error.Invalid(_path, _what, $"{field} below 2^62", value.ToString(System.Globalization.CultureInfo.InvariantCulture)) : (long)value;

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public void Skip(int count) => Take(count);

    public void Seek(int position)
    {
        if (position < 0 || position > _data.Length)
        {
            throw Hdf5Error.Invalid(_path, _what, $"a position within its {_data.Length} bytes", position.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Position = position;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - Position)
        {
            throw Hdf5Error.Invalid(_path, _what, $"{count} more bytes at byte {Position}", $"the structure ends at byte {_data.Length} (truncated or corrupt)");
        }

        ReadOnlySpan<byte> s = _data.Slice(Position, count);
        Position += count;
        return s;
    }
}
