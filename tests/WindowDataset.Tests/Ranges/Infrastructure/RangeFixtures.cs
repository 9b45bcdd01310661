using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Ranges.Infrastructure;

/// <summary>The numpy ground truth of Fixtures/ranges (made by make.py) and helpers to read a loader whole.</summary>
public static class RangeFixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "ranges");

    public static string Data => Path.Combine(Dir, "data.npy");

    public static readonly string[] Cases = ["d3", "d1", "d7", "d2"];

    public static readonly string[] Splits = ["train", "val", "test"];

    /// <summary>Every fixture case with each of the three samplers.</summary>
    public static TheoryData<string, SamplerKind> CaseSamplers()
    {
        var data = new TheoryData<string, SamplerKind>();
        foreach (string c in Cases)
        {
            data.Add(c, SamplerKind.Permutation);
            data.Add(c, SamplerKind.Uniform);
            data.Add(c, SamplerKind.Sequential);
        }

        return data;
    }

    private static readonly Lazy<JsonDocument> s_expected = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir, "expected.json"))));

    public static JsonElement Expected => s_expected.Value.RootElement;

    public static JsonElement Case(string name) => Expected.GetProperty("cases").GetProperty(name);

    /// <summary>Options for a case of expected.json over <paramref name="path"/> (the fixture by default).</summary>
    public static WindowLoaderOptions Options(string name, string? path = null, int batch = 8)
    {
        JsonElement c = Case(name);
        var o = TestArrays.Options(path ?? Data, c.GetProperty("window").GetInt32(), batch);
        o.Dilation = c.GetProperty("dilation").GetInt32();
        if (c.GetProperty("kind").GetString() == "next")
        {
            o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = c.GetProperty("horizon").GetInt32(), LeadTime = c.GetProperty("leadTime").GetInt32() };
        }

        return o;
    }

    /// <summary>The fixture's split with its gap (as make.py).</summary>
    public static SplitOptions Split()
    {
        var split = new SplitOptions { Gap = Expected.GetProperty("gap").GetInt64() };
        foreach (JsonProperty p in Expected.GetProperty("split").EnumerateObject())
        {
            split.Ranges[p.Name] = [p.Value[0].GetDouble(), p.Value[1].GetDouble()];
        }

        return split;
    }

    public static (long From, long To) SplitRows(string name)
    {
        JsonElement r = Expected.GetProperty("splitRows").GetProperty(name);
        return (r[0].GetInt64(), r[1].GetInt64());
    }

    public static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt64())];

    /// <summary>A little-endian float64 C-order .npy as written by numpy: its shape and values.</summary>
    public static (long[] Shape, double[] Values) ReadNpy(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        Assert.True(bytes[0] == 0x93 && bytes.AsSpan(1, 5).SequenceEqual("NUMPY"u8), $"{file}: not an npy file");
        int headerLength = bytes[8] | (bytes[9] << 8);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Contains("'descr': '<f8'", header, StringComparison.Ordinal);
        Assert.Contains("'fortran_order': False", header, StringComparison.Ordinal);
        int open = header.IndexOf('(', StringComparison.Ordinal), close = header.IndexOf(')', StringComparison.Ordinal);
        long[] shape = [.. header[(open + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => long.Parse(s, CultureInfo.InvariantCulture))];
        double[] values = MemoryMarshal.Cast<byte, double>(bytes.AsSpan(10 + headerLength)).ToArray();
        return (shape, values);
    }

    /// <summary>Bit patterns, so NaN compares equal to the same NaN.</summary>
    public static long[] Bits(ReadOnlySpan<double> values)
    {
        long[] bits = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.DoubleToInt64Bits(values[i]);
        }

        return bits;
    }

    public static List<long> AllStarts(WindowLoader loader, long epoch)
    {
        var starts = new List<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            starts.AddRange(loader.GetStarts(epoch, b));
        }

        return starts;
    }

    /// <summary>Every window and target of a read, as (start, window values, target values).</summary>
    public static List<(long Start, double[] Window, double[] Target)> ReadAll(WindowLoader loader, ReadRange range)
    {
        var all = new List<(long, double[], double[])>();
        foreach (WindowBatch batch in loader.Read(range))
        {
            using (batch)
            {
                int w = (int)(batch.WindowBytes / 8);
                double[] data = batch.GetData<double>().ToArray();
                double[] target = batch.HasTarget ? batch.GetTargetData<double>().ToArray() : [];
                int t = batch.HasTarget ? target.Length / batch.Count : 0;
                for (int i = 0; i < batch.Count; i++)
                {
                    all.Add((batch.Starts[i], data[(i * w)..((i + 1) * w)], batch.HasTarget ? target[(i * t)..((i + 1) * t)] : []));
                }
            }
        }

        return all;
    }

    /// <summary>The row a <see cref="TestArrays.Value"/> came from.</summary>
    public static long RowOf(double value) => (long)Math.Floor(value / 1000);
}
