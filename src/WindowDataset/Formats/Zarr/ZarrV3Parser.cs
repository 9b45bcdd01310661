using System.Globalization;
using System.Text.Json;

namespace WindowDataset.Formats.Zarr;

/// <summary>Parses a Zarr v3 array <c>zarr.json</c> (the 3.0 specification's core codecs and sharding).</summary>
internal static class ZarrV3Parser
{
    /// <summary>Inner chunks per shard above this are refused: the decoded index must stay small.</summary>
    public const long MaxInnerChunksPerShard = 1L << 22;

    private const string CodecNames = "one of transpose, bytes, blosc, gzip, zstd, crc32c, sharding_indexed";

    private static readonly string[] s_typeNames =
        ["float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "bool"];

    public static ZarrArrayMetadata Parse(string file, JsonElement root)
    {
        long format = ZarrJson.Integer(file, ZarrJson.Required(file, root, "zarr_format", "zarr_format"), "zarr_format", 0, int.MaxValue);
        if (format != 3)
        {
            throw ZarrJson.Invalid(file, "zarr_format", "3", format.ToString(CultureInfo.InvariantCulture));
        }

        string node = ZarrJson.String(file, ZarrJson.Required(file, root, "node_type", "node_type"), "node_type");
        if (node != "array")
        {
            throw ZarrJson.Invalid(file, "node_type", "\"array\"", $"\"{node}\"");
        }

        long[] shape = ZarrJson.Dimensions(file, ZarrJson.Required(file, root, "shape", "shape"), "shape", 0, long.MaxValue);
        string typeName = ZarrJson.String(file, ZarrJson.Required(file, root, "data_type", "data_type"), "data_type");
        int typeIndex = Array.IndexOf(s_typeNames, typeName);
        if (typeIndex < 0)
        {
            throw ZarrJson.Unsupported(file, "data_type", $"\"{typeName}\"", $"expected one of {string.Join(", ", s_typeNames)}");
        }

        var type = (ElementType)typeIndex;

        JsonElement grid = ZarrJson.Required(file, root, "chunk_grid", "chunk_grid");
        string gridName = ZarrJson.String(file, ZarrJson.Required(file, grid, "name", "chunk_grid.name"), "chunk_grid.name");
        if (gridName != "regular")
        {
            throw ZarrJson.Unsupported(file, "chunk_grid.name", $"\"{gridName}\"", "only the regular chunk grid is supported");
        }

        JsonElement gridConfig = ZarrJson.Required(file, grid, "configuration", "chunk_grid.configuration");
        int[] chunks = ZarrJson.ChunkDimensions(file, ZarrJson.Required(file, gridConfig, "chunk_shape", "chunk_grid.configuration.chunk_shape"), "chunk_grid.configuration.chunk_shape", shape.Length);
        ZarrJson.CheckGrid(file, shape, chunks);

        (string prefix, char separator) = ParseKeyEncoding(file, ZarrJson.Required(file, root, "chunk_key_encoding", "chunk_key_encoding"));

        if (ZarrJson.TryGet(root, "storage_transformers", out JsonElement transformers)
            && (transformers.ValueKind != JsonValueKind.Array || transformers.GetArrayLength() > 0))
        {
            throw ZarrJson.Unsupported(file, "storage_transformers", ZarrJson.Show(transformers), "storage transformers change where chunks are stored");
        }

        JsonElement codecsElement = ZarrJson.Required(file, root, "codecs", "codecs");
        Chain chain = ParseChain(file, codecsElement, "codecs", type, chunks, nested: false);
        if (chain.Shard is { } shard)
        {
            ZarrJson.CheckChunkBytes(file, "codecs[].configuration.chunk_shape", shard.InnerShape, type);
        }
        else
        {
            ZarrJson.CheckChunkBytes(file, "chunk_grid.configuration.chunk_shape", chunks, type);
        }

        byte[] fill = ZarrJson.FillValue(file, ZarrJson.Required(file, root, "fill_value", "fill_value"), "fill_value", type, chain.BigEndian, allowHex: true);
        return new ZarrArrayMetadata
        {
            ZarrFormat = 3,
            MetadataPath = file,
            Type = type,
            BigEndian = chain.BigEndian,
            Shape = shape,
            ChunkShape = chunks,
            FillValue = fill,
            Codecs = chain.Codecs,
            KeyPrefix = prefix,
            KeySeparator = separator,
            Shard = chain.Shard,
            CodecDescription = chain.Description,
        };
    }

    private static (string Prefix, char Separator) ParseKeyEncoding(string file, JsonElement value)
    {
        string name = ZarrJson.String(file, ZarrJson.Required(file, value, "name", "chunk_key_encoding.name"), "chunk_key_encoding.name");
        if (name is not ("default" or "v2"))
        {
            throw ZarrJson.Unsupported(file, "chunk_key_encoding.name", $"\"{name}\"", "expected \"default\" or \"v2\"");
        }

        char separator = name == "default" ? '/' : '.';
        if (ZarrJson.TryGet(value, "configuration", out JsonElement config) && ZarrJson.TryGet(config, "separator", out JsonElement sep))
        {
            string s = ZarrJson.String(file, sep, "chunk_key_encoding.configuration.separator");
            separator = s switch
            {
                "/" => '/',
                "." => '.',
                _ => throw ZarrJson.Invalid(file, "chunk_key_encoding.configuration.separator", "\"/\" or \".\"", $"\"{s}\""),
            };
        }

        return (name == "default" ? "c" + separator : string.Empty, separator);
    }

    private static Chain ParseChain(string file, JsonElement codecs, string path, ElementType type, int[] chunkShape, bool nested)
    {
        if (codecs.ValueKind != JsonValueKind.Array || codecs.GetArrayLength() == 0)
        {
            throw ZarrJson.Invalid(file, path, "a non-empty array of codecs", ZarrJson.Kind(codecs));
        }

        if (codecs.GetArrayLength() > 16)
        {
            throw ZarrJson.Invalid(file, path, "at most 16 codecs", $"{codecs.GetArrayLength()}");
        }

        bool? bigEndian = null;
        ZarrShardLayout? shard = null;
        var bytesCodecs = new List<ZarrCodec>();
        var description = new List<string>();
        int i = 0;
        foreach (JsonElement codec in codecs.EnumerateArray())
        {
            string at = $"{path}[{i}]";
            i++;
            string name = ZarrJson.String(file, ZarrJson.Required(file, codec, "name", at + ".name"), at + ".name");
            JsonElement config = ZarrJson.TryGet(codec, "configuration", out JsonElement c) ? c : default;
            bool afterArrayToBytes = bigEndian is not null || shard is not null;
            switch (name)
            {
                case "transpose":
                    if (afterArrayToBytes)
                    {
                        throw ZarrJson.Invalid(file, at, "array-to-array codecs (transpose) before bytes", "transpose after it");
                    }

                    CheckTranspose(file, config, at, chunkShape.Length);
                    break;
                case "bytes":
                    if (afterArrayToBytes)
                    {
                        throw ZarrJson.Invalid(file, at, "one array-to-bytes codec (bytes or sharding_indexed)", "a second one");
                    }

                    bigEndian = ParseEndian(file, config, at, type);
                    break;
                case "sharding_indexed":
                    if (afterArrayToBytes)
                    {
                        throw ZarrJson.Invalid(file, at, "one array-to-bytes codec (bytes or sharding_indexed)", "a second one");
                    }

                    if (nested)
                    {
                        throw ZarrJson.Unsupported(file, at, "sharding_indexed inside a shard", "nested sharding is not supported");
                    }

                    (shard, bool innerBig, string innerDescription) = ParseSharding(file, config, at, type, chunkShape);
                    bigEndian = innerBig;
                    description.Add(innerDescription);
                    break;
                case "blosc" or "gzip" or "zstd" or "crc32c":
                    if (!afterArrayToBytes)
                    {
                        throw ZarrJson.Invalid(file, at, "bytes or sharding_indexed before the bytes-to-bytes codec " + name, "it first");
                    }

                    if (shard is not null)
                    {
                        throw ZarrJson.Unsupported(file, at, $"{name} after sharding_indexed", "codecs applied to a whole shard are not supported");
                    }

                    ZarrCodec parsed = ParseBytesCodec(file, name, config, at, type);
                    if (parsed.IsCompressor && bytesCodecs.Exists(x => x.IsCompressor))
                    {
                        throw ZarrJson.Unsupported(file, at, $"a second compressor ({name})", "at most one compressor per chain is supported");
                    }

                    bytesCodecs.Add(parsed);
                    description.Add(parsed.Description);
                    break;
                default:
                    throw ZarrJson.Unsupported(file, at + ".name", $"\"{name}\"", $"expected {CodecNames}");
            }
        }

        if (bigEndian is null)
        {
            throw ZarrJson.Invalid(file, path, "an array-to-bytes codec (bytes or sharding_indexed)", "none");
        }

        if (description.Count == 0)
        {
            description.Add(bigEndian.Value && ElementTypeInfo.SizeOf(type) > 1 ? "bytes(big)" : "bytes");
        }

        return new Chain(bigEndian.Value, [.. bytesCodecs], shard, string.Join("+", description));
    }

    private static void CheckTranspose(string file, JsonElement config, string at, int rank)
    {
        JsonElement order = ZarrJson.Required(file, config, "order", at + ".configuration.order");
        if (order.ValueKind == JsonValueKind.String)
        {
            // Early drafts spelled the order "C" or "F".
            string s = ZarrJson.String(file, order, at + ".configuration.order");
            if (s == "C")
            {
                return;
            }

            throw ZarrJson.Unsupported(file, at + ".configuration.order", $"\"{s}\"", "not C order (a transposed chunk layout is not supported)");
        }

        long[] axes = ZarrJson.Dimensions(file, order, at + ".configuration.order", 0, rank - 1);
        if (axes.Length != rank)
        {
            throw ZarrJson.Invalid(file, at + ".configuration.order", $"a permutation of {rank} axes", ZarrJson.Show(order));
        }

        for (int a = 0; a < axes.Length; a++)
        {
            if (axes[a] != a)
            {
                throw ZarrJson.Unsupported(file, at + ".configuration.order", ZarrJson.Show(order), "not C order (a transposed chunk layout is not supported)");
            }
        }
    }

    private static bool ParseEndian(string file, JsonElement config, string at, ElementType type)
    {
        if (!ZarrJson.TryGet(config, "endian", out JsonElement endian))
        {
            return ElementTypeInfo.SizeOf(type) == 1
                ? false
                : throw ZarrJson.Invalid(file, at + ".configuration.endian", "\"little\" or \"big\" for a multi-byte data type", "the key missing");
        }

        string s = ZarrJson.String(file, endian, at + ".configuration.endian");
        return s switch
        {
            "little" => false,
            "big" => ElementTypeInfo.SizeOf(type) > 1,
            _ => throw ZarrJson.Invalid(file, at + ".configuration.endian", "\"little\" or \"big\"", $"\"{s}\""),
        };
    }

    private static ZarrCodec ParseBytesCodec(string file, string name, JsonElement config, string at, ElementType type)
    {
        string conf = at + ".configuration";
        switch (name)
        {
            case "blosc":
                {
                    string cname = ZarrJson.String(file, ZarrJson.Required(file, config, "cname", conf + ".cname"), conf + ".cname");
                    if (cname is not ("lz4" or "lz4hc" or "zstd" or "zlib" or "blosclz"))
                    {
                        throw ZarrJson.Unsupported(file, conf + ".cname", $"\"{cname}\"", "blosc compressors lz4, lz4hc, zstd, zlib and blosclz are supported");
                    }

                    long clevel = ZarrJson.Integer(file, ZarrJson.Required(file, config, "clevel", conf + ".clevel"), conf + ".clevel", 0, 9);
                    string shuffle = ZarrJson.String(file, ZarrJson.Required(file, config, "shuffle", conf + ".shuffle"), conf + ".shuffle");
                    if (shuffle is not ("noshuffle" or "shuffle" or "bitshuffle"))
                    {
                        throw ZarrJson.Invalid(file, conf + ".shuffle", "\"noshuffle\", \"shuffle\" or \"bitshuffle\"", $"\"{shuffle}\"");
                    }

                    if (ZarrJson.TryGet(config, "typesize", out JsonElement typeSize))
                    {
                        ZarrJson.Integer(file, typeSize, conf + ".typesize", 1, 255);
                    }

                    if (ZarrJson.TryGet(config, "blocksize", out JsonElement blockSize))
                    {
                        ZarrJson.Integer(file, blockSize, conf + ".blocksize", 0, int.MaxValue);
                    }

                    return new ZarrCodec(ZarrCodecKind.Blosc, $"blosc({cname},{clevel},{shuffle})");
                }

            case "gzip":
                return new ZarrCodec(ZarrCodecKind.Gzip, $"gzip({ZarrJson.Integer(file, ZarrJson.Required(file, config, "level", conf + ".level"), conf + ".level", 0, 9)})");
            case "zstd":
                {
                    long level = ZarrJson.Integer(file, ZarrJson.Required(file, config, "level", conf + ".level"), conf + ".level", -131072, 22);
                    if (ZarrJson.TryGet(config, "checksum", out JsonElement checksum) && checksum.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw ZarrJson.Invalid(file, conf + ".checksum", "true or false", ZarrJson.Kind(checksum));
                    }

                    return new ZarrCodec(ZarrCodecKind.Zstd, $"zstd({level})");
                }

            default:
                return new ZarrCodec(ZarrCodecKind.Crc32C, "crc32c");
        }
    }

    private static (ZarrShardLayout Shard, bool BigEndian, string Description) ParseSharding(string file, JsonElement config, string at, ElementType type, int[] shardShape)
    {
        string conf = at + ".configuration";
        int[] inner = ZarrJson.ChunkDimensions(file, ZarrJson.Required(file, config, "chunk_shape", conf + ".chunk_shape"), conf + ".chunk_shape", shardShape.Length);
        var perShard = new int[inner.Length];
        long count = 1;
        for (int d = 0; d < inner.Length; d++)
        {
            if (shardShape[d] % inner[d] != 0)
            {
                throw ZarrJson.Invalid(file, conf + ".chunk_shape", $"inner chunks that divide the shard shape ({string.Join(", ", shardShape)})", $"({string.Join(", ", inner)})");
            }

            perShard[d] = shardShape[d] / inner[d];
            count *= perShard[d];
            if (count > MaxInnerChunksPerShard)
            {
                throw ZarrJson.Invalid(file, conf + ".chunk_shape", $"at most {MaxInnerChunksPerShard} inner chunks per shard", $"more ({string.Join(", ", inner)}) in ({string.Join(", ", shardShape)})");
            }
        }

        Chain innerChain = ParseChain(file, ZarrJson.Required(file, config, "codecs", conf + ".codecs"), conf + ".codecs", type, inner, nested: true);

        // The index is a (count x 2) uint64 array: only bytes (either endianness) and crc32c can encode it here.
        JsonElement indexCodecs = ZarrJson.Required(file, config, "index_codecs", conf + ".index_codecs");
        Chain indexChain = ParseChain(file, indexCodecs, conf + ".index_codecs", ElementType.UInt64, [.. perShard, 2], nested: true);
        int checksums = 0;
        foreach (ZarrCodec codec in indexChain.Codecs)
        {
            if (codec.Kind != ZarrCodecKind.Crc32C)
            {
                throw ZarrJson.Unsupported(file, conf + ".index_codecs", codec.Description, "a compressed shard index is not supported (expected bytes and crc32c)");
            }

            checksums++;
        }

        bool atStart = false;
        if (ZarrJson.TryGet(config, "index_location", out JsonElement location))
        {
            string s = ZarrJson.String(file, location, conf + ".index_location");
            atStart = s switch
            {
                "start" => true,
                "end" => false,
                _ => throw ZarrJson.Invalid(file, conf + ".index_location", "\"start\" or \"end\"", $"\"{s}\""),
            };
        }

        var layout = new ZarrShardLayout(inner, perShard, innerChain.Codecs, indexChain.BigEndian, checksums, atStart);
        string description = $"sharding(({string.Join(", ", inner)}) {innerChain.Description}, index {(atStart ? "start" : "end")})";
        return (layout, innerChain.BigEndian, description);
    }

    private sealed record Chain(bool BigEndian, ZarrCodec[] Codecs, ZarrShardLayout? Shard, string Description);
}
