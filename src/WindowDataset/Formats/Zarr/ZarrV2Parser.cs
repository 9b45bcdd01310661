using System.Globalization;
using System.Text.Json;

namespace WindowDataset.Formats.Zarr;

/// <summary>Parses a Zarr v2 <c>.zarray</c> as zarr-python 2.x writes it.</summary>
internal static class ZarrV2Parser
{
    private const string SupportedTypes = "one of <f8 <f4 <f2 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1 (or big-endian '>')";

    public static ZarrArrayMetadata Parse(string file, JsonElement root)
    {
        long format = ZarrJson.Integer(file, ZarrJson.Required(file, root, "zarr_format", "zarr_format"), "zarr_format", 0, int.MaxValue);
        if (format != 2)
        {
            throw ZarrJson.Invalid(file, "zarr_format", "2", format.ToString(CultureInfo.InvariantCulture));
        }

        long[] shape = ZarrJson.Dimensions(file, ZarrJson.Required(file, root, "shape", "shape"), "shape", 0, long.MaxValue);
        int[] chunks = ZarrJson.ChunkDimensions(file, ZarrJson.Required(file, root, "chunks", "chunks"), "chunks", shape.Length);
        ZarrJson.CheckGrid(file, shape, chunks);
        (ElementType type, bool bigEndian) = ParseDType(file, ZarrJson.Required(file, root, "dtype", "dtype"));
        ZarrJson.CheckChunkBytes(file, "chunks", chunks, type);

        string order = ZarrJson.String(file, ZarrJson.Required(file, root, "order", "order"), "order");
        if (order == "F")
        {
            throw ZarrJson.Unsupported(file, "order", "\"F\"", "chunks in Fortran (column-major) order; rewrite the array with order=\"C\"");
        }

        if (order != "C")
        {
            throw ZarrJson.Invalid(file, "order", "\"C\"", $"\"{order}\"");
        }

        if (ZarrJson.TryGet(root, "filters", out JsonElement filters))
        {
            if (filters.ValueKind != JsonValueKind.Array)
            {
                throw ZarrJson.Invalid(file, "filters", "null or an array", ZarrJson.Kind(filters));
            }

            if (filters.GetArrayLength() > 0)
            {
                var ids = new List<string>();
                foreach (JsonElement f in filters.EnumerateArray())
                {
                    ids.Add(ZarrJson.TryGet(f, "id", out JsonElement id) && id.ValueKind == JsonValueKind.String ? ZarrJson.String(file, id, "filters[].id") : ZarrJson.Show(f));
                }

                throw ZarrJson.Unsupported(file, "filters", $"[{string.Join(", ", ids)}]", "no filters are supported (only a compressor); rewrite the array with filters=None");
            }
        }

        char separator = '.';
        if (ZarrJson.TryGet(root, "dimension_separator", out JsonElement sep))
        {
            string s = ZarrJson.String(file, sep, "dimension_separator");
            separator = s switch
            {
                "." => '.',
                "/" => '/',
                _ => throw ZarrJson.Invalid(file, "dimension_separator", "\".\" or \"/\"", $"\"{s}\""),
            };
        }

        JsonElement fill = root.TryGetProperty("fill_value", out JsonElement f0) ? f0 : throw ZarrJson.Invalid(file, "fill_value", "a value", "the key missing");
        byte[] fillValue = ZarrJson.FillValue(file, fill, "fill_value", type, bigEndian, allowHex: false);

        ZarrCodec[] codecs = [];
        string description = "none";
        if (ZarrJson.TryGet(root, "compressor", out JsonElement compressor))
        {
            ZarrCodec codec = ParseCompressor(file, compressor);
            codecs = [codec];
            description = codec.Description;
        }
        else if (!root.TryGetProperty("compressor", out _))
        {
            throw ZarrJson.Invalid(file, "compressor", "an object or null", "the key missing");
        }

        return new ZarrArrayMetadata
        {
            ZarrFormat = 2,
            MetadataPath = file,
            Type = type,
            BigEndian = bigEndian,
            Shape = shape,
            ChunkShape = chunks,
            FillValue = fillValue,
            Codecs = codecs,
            KeyPrefix = string.Empty,
            KeySeparator = separator,
            CodecDescription = description,
        };
    }

    private static (ElementType Type, bool BigEndian) ParseDType(string file, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            throw ZarrJson.Unsupported(file, "dtype", "a structured dtype", "only numeric and bool elements are supported");
        }

        string text = ZarrJson.String(file, value, "dtype");
        if (text.Length >= 2 && text[1] == 'O')
        {
            throw ZarrJson.Unsupported(file, "dtype", $"\"{text}\"", "object arrays hold Python objects encoded by a filter, not numbers");
        }

        if (text.Length != 3 || text[0] is not ('<' or '>' or '|') || !ElementTypeInfo.TryParse(text, out ElementType type, out bool bigEndian))
        {
            throw ZarrJson.Invalid(file, "dtype", SupportedTypes, $"\"{text}\"");
        }

        return (type, bigEndian);
    }

    private static ZarrCodec ParseCompressor(string file, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ZarrJson.Invalid(file, "compressor", "an object or null", ZarrJson.Kind(value));
        }

        string id = ZarrJson.String(file, ZarrJson.Required(file, value, "id", "compressor.id"), "compressor.id");
        switch (id)
        {
            case "blosc":
                {
                    string cname = ZarrJson.String(file, ZarrJson.Required(file, value, "cname", "compressor.cname"), "compressor.cname");
                    if (cname is not ("lz4" or "lz4hc" or "zstd" or "zlib" or "blosclz"))
                    {
                        throw ZarrJson.Unsupported(file, "compressor.cname", $"\"{cname}\"", "blosc compressors lz4, lz4hc, zstd, zlib and blosclz are supported");
                    }

                    long clevel = ZarrJson.TryGet(value, "clevel", out JsonElement c) ? ZarrJson.Integer(file, c, "compressor.clevel", 0, 9) : 5;
                    long shuffle = ZarrJson.TryGet(value, "shuffle", out JsonElement s) ? ZarrJson.Integer(file, s, "compressor.shuffle", -1, 2) : 1;
                    string shuffleName = shuffle switch { 0 => "noshuffle", 1 => "shuffle", 2 => "bitshuffle", _ => "autoshuffle" };
                    return new ZarrCodec(ZarrCodecKind.Blosc, $"blosc({cname},{clevel},{shuffleName})");
                }

            case "zstd":
                return new ZarrCodec(ZarrCodecKind.Zstd, $"zstd({Level(file, value, "level")})");
            case "gzip":
                return new ZarrCodec(ZarrCodecKind.Gzip, $"gzip({Level(file, value, "level")})");
            case "zlib":
                return new ZarrCodec(ZarrCodecKind.Zlib, $"zlib({Level(file, value, "level")})");
            case "lz4":
                return new ZarrCodec(ZarrCodecKind.Lz4, "lz4");
            default:
                throw ZarrJson.Unsupported(file, "compressor.id", $"\"{id}\"", "the compressors blosc, zstd, gzip, zlib and lz4 are supported");
        }
    }

    private static string Level(string file, JsonElement value, string key) =>
        ZarrJson.TryGet(value, key, out JsonElement level)
            ? ZarrJson.Integer(file, level, $"compressor.{key}", -131072, 22).ToString(CultureInfo.InvariantCulture)
            : "default";
}
