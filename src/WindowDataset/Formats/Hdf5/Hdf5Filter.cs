using System.Text;

namespace WindowDataset.Formats.Hdf5;

/// <summary>One filter of a filter pipeline message (0x000B), versions 1 and 2.</summary>
internal sealed record Hdf5Filter(int Id, string Name, int Flags, uint[] ClientData)
{
    public const int Deflate = 1;
    public const int Shuffle = 2;
    public const int Fletcher32 = 3;
    public const int Szip = 4;
    public const int NBit = 5;
    public const int ScaleOffset = 6;
    public const int Lzf = 32000;

    public string Label => Id switch
    {
        Deflate => ClientData.Length > 0 ? $"deflate({ClientData[0]})" : "deflate",
        Shuffle => "shuffle",
        Fletcher32 => "fletcher32",
        Lzf => "lzf",
        _ => Name.Length > 0 ? Name : $"filter {Id}",
    };

    public static Hdf5Filter[] ParsePipeline(ReadOnlySpan<byte> data, Hdf5Io io, string where)
    {
        var c = new Hdf5Cursor(data, where, "filter pipeline message", io.OffsetSize, io.LengthSize);
        int version = c.U8();
        int count = c.U8();
        if (version is not (1 or 2))
        {
            throw Hdf5Error.NotSupported(where, $"filter pipeline message version {version}", "versions 1 and 2 are read");
        }

        if (count > 32)
        {
            throw Hdf5Error.Invalid(where, "filter pipeline message", "at most 32 filters", $"{count}");
        }

        if (version == 1)
        {
            c.Skip(6);
        }

        var filters = new Hdf5Filter[count];
        for (int i = 0; i < count; i++)
        {
            int id = c.U16();
            int nameLength = version == 1 || id >= 256 ? c.U16() : 0;
            int flags = c.U16();
            int values = c.U16();
            string name = string.Empty;
            if (nameLength > 0)
            {
                ReadOnlySpan<byte> raw = c.Bytes(version == 1 ? (nameLength + 7) / 8 * 8 : nameLength);
                int nul = raw.IndexOf((byte)0);
                name = Encoding.ASCII.GetString(nul >= 0 ? raw[..nul] : raw);
            }

            var client = new uint[values];
            for (int v = 0; v < values; v++)
            {
                client[v] = c.U32();
            }

            if (version == 1 && (values & 1) != 0)
            {
                c.Skip(4);
            }

            filters[i] = new Hdf5Filter(id, name, flags, client);
        }

        return filters;
    }
}
