using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WindowDataset.Tests.Sources;

/// <summary>
/// The numpy-written fixtures of <c>Fixtures/</c> (made by <c>Fixtures/make_fixtures.py</c>) and their manifest,
/// plus a minimal .npy reader independent of the library's, for reading numpy's expected values.
/// </summary>
public static partial class NumpyFixtures
{
    private static readonly Lazy<JsonDocument> s_manifest = new(() => JsonDocument.Parse(File.ReadAllBytes(Full("manifest.json"))));

    /// <summary>The folder the fixtures are copied to next to the test assembly.</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static JsonElement Manifest => s_manifest.Value.RootElement;

    public static string Full(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Names of the readable arrays in the manifest.</summary>
    public static IEnumerable<string> ArrayNames()
    {
        foreach (JsonElement a in Manifest.GetProperty("arrays").EnumerateArray())
        {
            yield return a.GetProperty("name").GetString()!;
        }
    }

    public static JsonElement Entry(string name)
    {
        foreach (JsonElement a in Manifest.GetProperty("arrays").EnumerateArray())
        {
            if (a.GetProperty("name").GetString() == name)
            {
                return a;
            }
        }

        throw new KeyNotFoundException(name);
    }

    /// <summary>Source options that open the array the way its manifest entry says (paths, or raw description).</summary>
    public static SourceOptions SourceOf(JsonElement entry)
    {
        var source = new SourceOptions();
        foreach (JsonElement p in entry.GetProperty("paths").EnumerateArray())
        {
            source.Paths.Add(Full(p.GetString()!));
        }

        if (entry.GetProperty("format").GetString() == "raw")
        {
            source.Format = SourceFormat.Raw;
            source.DType = entry.GetProperty("dtype").GetString();
            source.RowShape = [.. entry.GetProperty("rowShape").EnumerateArray().Select(e => e.GetInt32())];
            source.Rows = entry.GetProperty("rows").ValueKind == JsonValueKind.Null ? null : entry.GetProperty("rows").GetInt64();
            source.HeaderOffset = entry.GetProperty("headerOffset").GetInt64();
        }

        return source;
    }

    public static long[] ShapeOf(JsonElement entry) => [.. entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64())];

    /// <summary>numpy's values of the array as raw little-endian bytes: <c>native</c>, <c>float32</c> or <c>float64</c>.</summary>
    public static byte[] Expected(JsonElement entry, string kind) =>
        File.ReadAllBytes(Full(entry.GetProperty("expected").GetProperty(kind).GetString()!));

    /// <summary>
    /// Reads a little-endian, C-order, version 1.0 .npy written by numpy, without the library: checks the descr,
    /// parses the shape with a regular expression, and returns the data bytes.
    /// </summary>
    public static byte[] ReadSimpleNpy(string path, string descr, out long[] shape)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 10 && bytes[0] == 0x93 && bytes[6] == 1, $"{path}: not a version 1.0 .npy");
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.Latin1.GetString(bytes, 10, headerLength);
        Assert.Contains($"'descr': '{descr}'", header, StringComparison.Ordinal);
        Assert.Contains("'fortran_order': False", header, StringComparison.Ordinal);
        Match m = ShapePattern().Match(header);
        Assert.True(m.Success, header);
        shape = [.. m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
        return bytes[(10 + headerLength)..];
    }

    [GeneratedRegex(@"'shape': \(([0-9, ]*)\)")]
    private static partial Regex ShapePattern();
}
