using System.Text.Json;
using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Formats.Zarr.Infrastructure;

/// <summary>
/// The Zarr fixtures of <c>Fixtures/zarr/</c> (v2 by <c>make_zarr_fixtures.py</c> with zarr-python, v3 by
/// <c>make_zarr_v3_fixtures.py</c>), their manifests, and a whole-array materializer over <see cref="ChunkedArray"/>.
/// </summary>
internal static class ZarrFixtures
{
    private static readonly Lazy<JsonDocument> s_v2 = new(() => JsonDocument.Parse(File.ReadAllBytes(Full("v2/manifest.json"))));
    private static readonly Lazy<JsonDocument> s_v3 = new(() => JsonDocument.Parse(File.ReadAllBytes(Full("v3/manifest.json"))));

    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "zarr");

    public static string Full(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>(version, name) of every readable fixture array.</summary>
    public static TheoryData<string, string> Readable() => Names("readable");

    public static TheoryData<string, string> Refused() => Names("refused");

    public static JsonElement Entry(string version, string kind, string name)
    {
        foreach (JsonElement e in Manifest(version).GetProperty(kind).EnumerateArray())
        {
            if (e.GetProperty("name").GetString() == name)
            {
                return e;
            }
        }

        throw new KeyNotFoundException(name);
    }

    /// <summary>The expected array's bytes, little-endian, and its shape (read with the core's .npy header parser).</summary>
    public static byte[] ExpectedLittleEndian(string relative, out ElementType type, out long[] shape)
    {
        string path = Full(relative);
        using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(path);
        long length = RandomAccess.GetLength(handle);
        NpyHeader header = NpyHeader.Read(path, handle, length);
        byte[] data = File.ReadAllBytes(path)[(int)header.DataOffset..];
        if (header.BigEndian)
        {
            ElementTypeInfo.ReverseEndianness(data, header.ElementType);
        }

        type = header.ElementType;
        shape = header.Shape;
        return data;
    }

    /// <summary>Every element of the array, C order, little-endian: chunks from <see cref="ChunkedArray.TryReadChunk"/>, fill where never written.</summary>
    public static byte[] Materialize(ChunkedArray array)
    {
        byte[] result = ChunkAssembly.Materialize(array);
        if (array.BigEndian)
        {
            ElementTypeInfo.ReverseEndianness(result, array.ElementType);
        }

        return result;
    }

    private static JsonElement Manifest(string version) => (version == "v2" ? s_v2 : s_v3).Value.RootElement;

    private static TheoryData<string, string> Names(string kind)
    {
        var data = new TheoryData<string, string>();
        foreach (string version in (ReadOnlySpan<string>)["v2", "v3"])
        {
            foreach (JsonElement e in Manifest(version).GetProperty(kind).EnumerateArray())
            {
                data.Add(version, e.GetProperty("name").GetString()!);
            }
        }

        return data;
    }
}
