using System.Buffers.Binary;
using System.Text;
using WindowDataset.Formats;
using WindowDataset.Formats.Zarr;
using WindowDataset.Tests.Formats.Zarr.Infrastructure;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Formats.Zarr;

/// <summary>Malformed metadata and chunk files give a clear exception naming the file, the key or chunk: never a crash, hang or huge allocation.</summary>
public sealed class ZarrHostileInputTests : IDisposable
{
    private const string ValidV2 = """{"zarr_format": 2, "shape": [10, 4], "chunks": [5, 4], "dtype": "<f8", "compressor": null, "fill_value": 0.0, "filters": null, "order": "C"}""";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("\"shape\": [10, 4]", "\"shape\": [-1, 4]", "shape[0]: expected an integer from 0")]
    [InlineData("\"shape\": [10, 4]", "\"shape\": [9223372036854775807, 9223372036854775807]", "expected at most 2^")]
    [InlineData("\"shape\": [10, 4]", "\"shape\": [1e400, 4]", "shape[0]: expected an integer")]
    [InlineData("\"shape\": [10, 4]", "\"shape\": \"10\"", "shape: expected an array of integers; found the string")]
    [InlineData("\"shape\": [10, 4]", "\"shape\": []", "shape: expected 1 to 32 dimensions; found none")]
    [InlineData("\"chunks\": [5, 4]", "\"chunks\": [0, 4]", "chunks[0]: expected an integer from 1")]
    [InlineData("\"chunks\": [5, 4]", "\"chunks\": [5]", "chunks: expected 2 dimensions")]
    [InlineData("\"chunks\": [5, 4]", "\"chunks\": [65536, 65536]", "expected a decoded chunk of at most")]
    [InlineData("\"chunks\": [5, 4]", "\"chunks\": [5, 4.5]", "chunks[1]: expected an integer")]
    [InlineData("\"dtype\": \"<f8\"", "\"dtype\": \"<c16\"", "dtype: expected one of")]
    [InlineData("\"dtype\": \"<f8\"", "\"dtype\": 8", "dtype: expected a string; found the number 8")]
    [InlineData("\"zarr_format\": 2", "\"zarr_format\": 3", "zarr_format: expected 2; found 3")]
    [InlineData("\"fill_value\": 0.0", "\"fill_value\": \"zero\"", "fill_value: expected a number")]
    [InlineData("\"order\": \"C\"", "\"order\": \"X\"", "order: expected \"C\"")]
    [InlineData("\"compressor\": null", "\"compressor\": 5", "compressor: expected an object or null")]
    [InlineData("\"compressor\": null", "\"compressor\": {\"cname\": \"lz4\"}", "compressor.id: expected a value; found the key missing")]
    [InlineData("\"compressor\": null", "\"compressor\": {\"id\": \"blosc\", \"cname\": \"lz4\", \"clevel\": 99}", "compressor.clevel: expected an integer from 0 to 9")]
    public void Open_BadV2Metadata_InvalidDataNamingFileAndKey(string field, string replacement, string message)
    {
        string store = WriteV2(ValidV2.Replace(field, replacement, StringComparison.Ordinal));
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => ZarrStore.Open(store, null));
        Assert.Contains(Path.Combine(store, ".zarray"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shape")]
    [InlineData("chunks")]
    [InlineData("dtype")]
    [InlineData("compressor")]
    [InlineData("fill_value")]
    [InlineData("zarr_format")]
    [InlineData("order")]
    public void Open_V2MetadataMissingAKey_NamesTheKey(string key)
    {
        string json = ValidV2;
        int start = json.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        int end = json.IndexOf(", \"", start, StringComparison.Ordinal);
        json = end < 0 ? json[..(start - 2)] + "}" : json[..start] + json[(end + 2)..];
        string store = WriteV2(json);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => ZarrStore.Open(store, null));
        Assert.Contains($"{key}: expected", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the key missing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    [InlineData("{\"zarr_format\": 2, \"shape\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}")]
    public void Open_NotAJsonObject_InvalidData(string text)
    {
        string store = WriteV2(text);
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => ZarrStore.Open(store, null));
        Assert.StartsWith(Path.Combine(store, ".zarray"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_HugeMetadataFile_RefusedBeforeReading()
    {
        string store = WriteV2(ValidV2[..^1] + ", \"pad\": \"" + new string('x', ZarrJson.MaxMetadataBytes) + "\"}");
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => ZarrStore.Open(store, null));
        Assert.Contains("expected a metadata file of at most", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RankAboveLimit_Refused()
    {
        string dims = string.Join(", ", Enumerable.Repeat("1", 33));
        string store = WriteV2(ValidV2.Replace("\"shape\": [10, 4]", $"\"shape\": [{dims}]", StringComparison.Ordinal).Replace("\"chunks\": [5, 4]", $"\"chunks\": [{dims}]", StringComparison.Ordinal));
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => ZarrStore.Open(store, null));
        Assert.Contains("expected 1 to 32 dimensions; found 33", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnknownCompressor_NotSupportedNamingIt()
    {
        string store = WriteV2(ValidV2.Replace("\"compressor\": null", "\"compressor\": {\"id\": \"bz2\", \"level\": 1}", StringComparison.Ordinal));
        NotSupportedException ex = Assert.Throws<NotSupportedException>(() => ZarrStore.Open(store, null));
        Assert.Contains("compressor.id: \"bz2\" is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"data_type\": \"float64\"", "\"data_type\": \"float128\"", typeof(NotSupportedException), "data_type")]
    [InlineData("\"name\": \"regular\"", "\"name\": \"rectilinear\"", typeof(NotSupportedException), "chunk_grid.name")]
    [InlineData("\"endian\": \"little\"", "\"endian\": \"middle\"", typeof(InvalidDataException), "codecs[0].configuration.endian")]
    [InlineData("{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}", "{\"name\": \"bytes\"}", typeof(InvalidDataException), "codecs[0].configuration.endian: expected \"little\" or \"big\" for a multi-byte data type")]
    [InlineData("\"separator\": \"/\"", "\"separator\": \"-\"", typeof(InvalidDataException), "chunk_key_encoding.configuration.separator")]
    [InlineData("\"node_type\": \"array\"", "\"node_type\": \"table\"", typeof(InvalidDataException), "node_type")]
    [InlineData("\"chunk_shape\": [\n    16,\n    10\n   ]", "\"chunk_shape\": [16, 0]", typeof(InvalidDataException), "chunk_grid.configuration.chunk_shape[1]")]
    public void Open_BadV3Metadata_NamesFileAndKey(string field, string replacement, Type exception, string message)
    {
        string source = File.ReadAllText(ZarrFixtures.Full("v3/bytes_le.zarr/zarr.json"));
        string json = Normalize(source).Replace(Normalize(field), Normalize(replacement), StringComparison.Ordinal);
        Assert.NotEqual(Normalize(source), json);
        string store = WriteFile("zarr.json", json);
        Exception ex = Assert.Throws(exception, () => ZarrStore.Open(store, null));
        Assert.Contains(Path.Combine(store, "zarr.json"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ShardShapeNotDividedByInnerChunks_Refused()
    {
        string store = CopyFixture("v3/shard_end.zarr");
        string meta = Path.Combine(store, "zarr.json");
        File.WriteAllText(meta, Normalize(File.ReadAllText(meta)).Replace("\"chunk_shape\":[4,6]", "\"chunk_shape\":[5,6]", StringComparison.Ordinal));
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => ZarrStore.Open(store, null));
        Assert.Contains("inner chunks that divide the shard shape (16, 12)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("blosc_zstd")]
    [InlineData("zstd")]
    [InlineData("zlib")]
    [InlineData("gzip")]
    [InlineData("lz4")]
    public void TryReadChunk_TruncatedChunkFile_InvalidDataNamingTheChunk(string fixture)
    {
        string store = CopyFixture($"v2/{fixture}.zarr");
        string chunk = Path.Combine(store, "1.0");
        byte[] bytes = File.ReadAllBytes(chunk);
        File.WriteAllBytes(chunk, bytes[..(bytes.Length / 2)]);
        AssertChunkRefused(store, [1, 0], "chunk (1, 0)");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("blosc_blosclz")]
    [InlineData("zstd")]
    [InlineData("zlib")]
    [InlineData("gzip")]
    [InlineData("lz4")]
    public void TryReadChunk_CorruptedChunkFile_InvalidDataNamingTheChunk(string fixture)
    {
        string store = CopyFixture($"v2/{fixture}.zarr");
        string chunk = Path.Combine(store, "0.0");
        byte[] bytes = File.ReadAllBytes(chunk);
        for (int i = 20; i < bytes.Length; i += 7)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(chunk, bytes);
        AssertChunkRefused(store, [0, 0], "chunk (0, 0)");
    }

    [Fact]
    public void TryReadChunk_UncompressedChunkOfTheWrongSize_Refused()
    {
        string store = CopyFixture("v2/none.zarr");
        File.WriteAllBytes(Path.Combine(store, "0.0"), new byte[100]);
        InvalidDataException ex = AssertChunkRefused(store, [0, 0], "chunk (0, 0)");
        Assert.Contains("expected 5120 decoded bytes; found 100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_ChunkFileFarLargerThanTheChunk_RefusedBeforeReading()
    {
        string store = CopyFixture("v2/default.zarr");
        using (FileStream f = File.OpenWrite(Path.Combine(store, "0.0")))
        {
            f.SetLength(10 << 20);
        }

        InvalidDataException ex = AssertChunkRefused(store, [0, 0], "chunk (0, 0)");
        Assert.Contains("expected a stored chunk of at most", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_Crc32CMismatch_InvalidDataNamingTheChunk()
    {
        string store = CopyFixture("v3/crc32c.zarr");
        string chunk = Path.Combine(store, "c", "1", "0");
        byte[] bytes = File.ReadAllBytes(chunk);
        bytes[3] ^= 1;
        File.WriteAllBytes(chunk, bytes);
        InvalidDataException ex = AssertChunkRefused(store, [1, 0], "chunk (1, 0)");
        Assert.Contains("crc32c: expected the stored checksum", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0xFFFF_FFFF_0000UL, 8UL, "past the shard end")]
    [InlineData(0, 16UL, 0xFFFF_FFFF_FFFF_FFF0UL, "past the shard end")]
    [InlineData(0, 0UL, 200_000UL, "past the shard end")]
    public void TryReadChunk_ShardIndexPointingPastTheShardEnd_Refused(int entry, ulong offset, ulong nbytes, string message)
    {
        string store = CopyFixture("v3/shard_plain.zarr");
        string shard = Path.Combine(store, "c", "0", "0");
        byte[] bytes = File.ReadAllBytes(shard);
        int index = bytes.Length - (8 * 16); // 8 inner chunks, no checksum
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(index + (16 * entry)), offset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(index + (16 * entry) + 8), nbytes);
        File.WriteAllBytes(shard, bytes);
        InvalidDataException ex = AssertChunkRefused(store, [0, 0], "chunk (0, 0)");
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_ShardIndexOverlappingTheIndex_Refused()
    {
        string store = CopyFixture("v3/shard_plain.zarr");
        string shard = Path.Combine(store, "c", "0", "0");
        byte[] bytes = File.ReadAllBytes(shard);
        int index = bytes.Length - (8 * 16);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(index), (ulong)(index - 64));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(index + 8), 192);
        File.WriteAllBytes(shard, bytes);
        InvalidDataException ex = AssertChunkRefused(store, [0, 0], "chunk (0, 0)");
        Assert.Contains("outside the index", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_ShardIndexChecksumMismatch_Refused()
    {
        string store = CopyFixture("v3/shard_end.zarr");
        string shard = Path.Combine(store, "c", "0", "0");
        byte[] bytes = File.ReadAllBytes(shard);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(shard, bytes);
        InvalidDataException ex = AssertChunkRefused(store, [0, 0], "chunk (0, 0)");
        Assert.Contains("shard index: crc32c", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_ShardShorterThanItsIndex_Refused()
    {
        string store = CopyFixture("v3/shard_start.zarr");
        File.WriteAllBytes(Path.Combine(store, "c", "0", "0"), new byte[20]);
        InvalidDataException ex = AssertChunkRefused(store, [0, 0], "chunk (0, 0)");
        Assert.Contains("expected 132 index bytes at the start; found a shard of 20 bytes", ex.Message, StringComparison.Ordinal);
    }

    private static InvalidDataException AssertChunkRefused(string store, long[] chunk, string what)
    {
        ArrayDescription d = ZarrStore.Open(store, null);
        using var chunks = d.Chunks!;
        byte[] buffer = new byte[chunks.ChunkBytes];
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => chunks.TryReadChunk(chunk, buffer));
        Assert.StartsWith($"{store}: {what}", ex.Message, StringComparison.Ordinal);
        return ex;
    }

    private static string Normalize(string json) => json.Replace("\n", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);

    private string WriteV2(string json) => WriteFile(".zarray", json);

    private string WriteFile(string name, string json)
    {
        string store = Path.Combine(_dir.Path, Guid.NewGuid().ToString("N") + ".zarr");
        Directory.CreateDirectory(store);
        File.WriteAllText(Path.Combine(store, name), json, new UTF8Encoding(false));
        return store;
    }

    private string CopyFixture(string relative)
    {
        string source = ZarrFixtures.Full(relative);
        string target = Path.Combine(_dir.Path, Guid.NewGuid().ToString("N") + ".zarr");
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }
}
