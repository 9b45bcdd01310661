using System.Text;

namespace WindowDataset.Formats.Hdf5;

/// <summary>A link message (0x0006): name, kind (0 hard, 1 soft, 64 external) and, for hard links, the object header address.</summary>
internal readonly record struct Hdf5Link(string Name, int Kind, long Address)
{
    public const int Hard = 0;
    public const int Soft = 1;

    public string KindName => Kind switch
    {
        Hard => "hard link",
        Soft => "soft link",
        64 => "external link",
        _ => $"user-defined link (type {Kind})",
    };

    public static Hdf5Link Parse(ReadOnlySpan<byte> data, Hdf5Io io, string where)
    {
        var c = new Hdf5Cursor(data, where, "link message", io.OffsetSize, io.LengthSize);
        int version = c.U8();
        if (version != 1)
        {
            throw Hdf5Error.Invalid(where, "link message", "version 1", $"version {version}");
        }

        int flags = c.U8();
        int kind = (flags & 0x08) != 0 ? c.U8() : Hard;
        if ((flags & 0x04) != 0)
        {
            c.Skip(8);
        }

        if ((flags & 0x10) != 0)
        {
            c.Skip(1);
        }

        long nameLength = c.Checked(c.UInt(1 << (flags & 3)), "a name length");
        if (nameLength is < 1 or > 65535)
        {
            throw Hdf5Error.Invalid(where, "link message", "a name of 1 to 65535 bytes", $"{nameLength} bytes");
        }

        string name = Encoding.UTF8.GetString(c.Bytes((int)nameLength));
        long address = kind == Hard ? c.Offset() : -1;
        return new Hdf5Link(name, kind, address);
    }
}
