using System.Runtime.InteropServices;
using System.Text.Json;

namespace WindowDataset.Tests.Sources;

/// <summary>Windows read from numpy-written files equal numpy's own values, for every dtype, read path and output type.</summary>
public sealed class NumpyFixtureTests
{
    public static TheoryData<string, IoMode, string> ArrayCases()
    {
        var data = new TheoryData<string, IoMode, string>();
        foreach (string name in NumpyFixtures.ArrayNames())
        {
            foreach (IoMode io in (IoMode[])[IoMode.Pread, IoMode.Mmap])
            {
                foreach (string output in (string[])["native", "float32", "float64"])
                {
                    data.Add(name, io, output);
                }
            }
        }

        return data;
    }

    public static TheoryData<string> ArrayNames() => [.. NumpyFixtures.ArrayNames()];

    public static TheoryData<string> HostileNames()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement h in NumpyFixtures.Manifest.GetProperty("hostile").EnumerateArray())
        {
            data.Add(h.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ArrayCases))]
    public void ReadEpoch_NumpyFixture_EveryWindowEqualsNumpy(string name, IoMode io, string output)
    {
        JsonElement entry = NumpyFixtures.Entry(name);
        long[] shape = NumpyFixtures.ShapeOf(entry);
        byte[] expected = NumpyFixtures.Expected(entry, output);
        long rows = shape[0];
        long outRowBytes = expected.Length / rows;
        const int window = 5;
        var options = new WindowLoaderOptions
        {
            Source = NumpyFixtures.SourceOf(entry),
            Window = window,
            BatchSize = 7,
            Sampler = SamplerKind.Sequential,
            Workers = 2,
            Io = io,
            OutputType = output switch { "float32" => ElementType.Float32, "float64" => ElementType.Float64, _ => null },
            MemoryBudget = 1 << 20,
        };
        using var loader = new WindowLoader(options);

        Assert.Equal(rows, loader.Info.Rows);
        Assert.Equal(window * outRowBytes, loader.WindowBytes);
        long[] shardRows = ShardRows(entry, rows);
        long validStarts = shardRows.Sum(n => Math.Max(0, n - window + 1));
        Assert.Equal(validStarts, loader.ValidStarts);

        var seen = new List<long>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                long start = batch.Starts[i];
                seen.Add(start);
                Span<byte> actual = batch.Data.Slice((int)(i * loader.WindowBytes), (int)loader.WindowBytes);
                Assert.True(
                    expected.AsSpan((int)(start * outRowBytes), (int)loader.WindowBytes).SequenceEqual(actual),
                    $"{name} {io} {output}: window at row {start} differs from numpy's");
            }
        }

        // Sequential: every start whose window stays inside one shard, in order.
        var expectedStarts = new List<long>();
        long rowBase = 0;
        foreach (long n in shardRows)
        {
            for (long s = 0; s + window <= n; s++)
            {
                expectedStarts.Add(rowBase + s);
            }

            rowBase += n;
        }

        Assert.Equal(expectedStarts, seen);
    }

    [Theory]
    [MemberData(nameof(ArrayNames))]
    public void ReadWindow_NumpyFixture_LastWindowEqualsNumpyAsFloat32(string name)
    {
        JsonElement entry = NumpyFixtures.Entry(name);
        byte[] expected = NumpyFixtures.Expected(entry, "float32");
        long rows = NumpyFixtures.ShapeOf(entry)[0];
        var options = new WindowLoaderOptions { Source = NumpyFixtures.SourceOf(entry), Window = 3, BatchSize = 2, OutputType = ElementType.Float32, Workers = 1 };
        using var loader = new WindowReader(options);
        byte[] actual = new byte[loader.WindowBytes];
        long start = rows - 3;
        loader.ReadWindow(start, actual);
        Assert.Equal(expected.AsSpan((int)(start * (expected.Length / rows)), actual.Length).ToArray(), actual);
    }

    [Theory]
    [MemberData(nameof(ArrayNames))]
    public void ArrayInfoRead_NumpyFixture_DescribesWhatNumpyWrote(string name)
    {
        JsonElement entry = NumpyFixtures.Entry(name);
        long[] shape = NumpyFixtures.ShapeOf(entry);
        ArrayInfo info = ArrayInfo.Read(NumpyFixtures.SourceOf(entry));
        string descr = entry.GetProperty("descr").GetString()!;

        Assert.Equal(descr, info.Descr);
        Assert.Equal(descr.StartsWith('>'), info.BigEndian);
        Assert.Equal(shape[0], info.Rows);
        int[] rowShape = shape.Length == 1 ? [1] : [.. shape[1..].Select(d => (int)d)];
        Assert.Equal(rowShape, info.RowShape);
        Assert.Equal(rowShape.Aggregate(1L, (a, d) => a * d) * ElementTypeInfo.SizeOf(info.ElementType), info.RowBytes);
        if (entry.TryGetProperty("version", out JsonElement version))
        {
            Assert.All(info.Shards, s => Assert.Equal("npy " + version.GetString(), s.Format));
        }
        else
        {
            Assert.All(info.Shards, s => Assert.Equal("raw", s.Format));
        }
    }

    [Fact]
    public void ArrayInfoRead_Glob_ConcatenatesShardsInNameOrder()
    {
        JsonElement entry = NumpyFixtures.Entry("shards");
        ArrayInfo info = ArrayInfo.Read(new SourceOptions { Glob = NumpyFixtures.Full(entry.GetProperty("glob").GetString()!) });
        long[] shardRows = [.. entry.GetProperty("shardRows").EnumerateArray().Select(e => e.GetInt64())];

        Assert.Equal(shardRows, info.Shards.Select(s => s.Rows));
        Assert.Equal([0L, shardRows[0], shardRows[0] + shardRows[1]], info.Shards.Select(s => s.FirstRow));
        Assert.Equal(entry.GetProperty("paths").EnumerateArray().Select(p => NumpyFixtures.Full(p.GetString()!)), info.Shards.Select(s => s.Path));
        Assert.Equal((17 - 8 + 1) + (25 - 8 + 1) + (9 - 8 + 1), info.CountWindowStarts(8));
        Assert.Equal((17 - 16 + 1) + (25 - 16 + 1), info.CountWindowStarts(16)); // the 9-row shard holds no 16-row window
        Assert.Equal(0, info.CountWindowStarts(26));
    }

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void ReadEpoch_GlobShardsUniform_WindowsEqualNumpyAndNeverCrossAFile(IoMode io)
    {
        JsonElement entry = NumpyFixtures.Entry("shards");
        byte[] expected = NumpyFixtures.Expected(entry, "float64");
        long[] bounds = [0, 17, 42, 51];
        const int window = 8;
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Glob = NumpyFixtures.Full("shards/part-*.npy") },
            Window = window,
            BatchSize = 16,
            Sampler = SamplerKind.Uniform,
            WindowsPerEpoch = 500,
            Seed = 3,
            Io = io,
            Workers = 3,
        };
        using var loader = new WindowLoader(options);
        int windowBytes = (int)loader.WindowBytes;
        int windows = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(1)))
        {
            for (int i = 0; i < batch.Count; i++, windows++)
            {
                long start = batch.Starts[i];
                int shard = Array.FindLastIndex(bounds, b => b <= start);
                Assert.True(start + window <= bounds[shard + 1], $"window at {start} crosses the end of shard {shard}");
                Assert.True(expected.AsSpan((int)start * 32, windowBytes).SequenceEqual(batch.Data.Slice(i * windowBytes, windowBytes)));
            }
        }

        Assert.Equal(500, windows);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-3)]
    public void ReadEpoch_LabelsFileTarget_TargetIsNumpyLabelRow(long offset)
    {
        JsonElement entry = NumpyFixtures.Entry("shards");
        JsonElement labels = entry.GetProperty("labels");
        byte[] expectedLabels = File.ReadAllBytes(NumpyFixtures.Full(labels.GetProperty("expected").GetProperty("native").GetString()!));
        const int window = 4;
        var options = new WindowLoaderOptions
        {
            Source = NumpyFixtures.SourceOf(entry),
            Window = window,
            BatchSize = 5,
            Sampler = SamplerKind.Sequential,
            Workers = 2,
            Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(NumpyFixtures.Full(labels.GetProperty("path").GetString()!)), Offset = offset },
        };
        using var loader = new WindowLoader(options);
        Assert.Equal(ElementType.Int64, loader.TargetElementType);
        ReadOnlySpan<long> all = MemoryMarshal.Cast<byte, long>(expectedLabels);
        int count = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<long> targets = batch.GetTargetData<long>();
            for (int i = 0; i < batch.Count; i++, count++)
            {
                long labelRow = batch.Starts[i] + window - 1 + offset;
                Assert.InRange(labelRow, 0, all.Length - 1);
                Assert.Equal(all[(int)labelRow], targets[i]);
            }
        }

        Assert.Equal(loader.WindowsPerEpoch, count);
    }

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void ReadEpoch_TenThousandNumpyStarts_WindowsEqualNumpySlices(IoMode io)
    {
        JsonElement random = NumpyFixtures.Manifest.GetProperty("random");
        string series = NumpyFixtures.Full(random.GetProperty("path").GetString()!);
        long[] starts = MemoryMarshal.Cast<byte, long>(NumpyFixtures.ReadSimpleNpy(NumpyFixtures.Full(random.GetProperty("starts").GetString()!), "<i8", out _)).ToArray();
        ulong[] checksums = MemoryMarshal.Cast<byte, ulong>(NumpyFixtures.ReadSimpleNpy(NumpyFixtures.Full(random.GetProperty("checksums").GetString()!), "<u8", out _)).ToArray();
        byte[] whole = NumpyFixtures.ReadSimpleNpy(series, "<f8", out long[] shape);
        Assert.Equal(10_000, starts.Length);

        // The program of the issue: 10,000 random 16-row windows from a numpy-written .npy.
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(series), Window = 16, BatchSize = 256, Starts = starts, Io = io };
        using var loader = new WindowLoader(options);
        int n = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            for (int i = 0; i < batch.Count; i++, n++)
            {
                Assert.Equal(starts[n], batch.Starts[i]);
                ReadOnlySpan<byte> w = batch.Data.Slice(i * 16 * 64, 16 * 64);
                Assert.Equal(checksums[n], Checksum(MemoryMarshal.Cast<byte, ulong>(w)));
                Assert.True(whole.AsSpan((int)(starts[n] * shape[1] * 8), w.Length).SequenceEqual(w), $"window {n} at row {starts[n]}");
            }
        }

        Assert.Equal(10_000, n);
    }

    [Fact]
    public void Open_FortranOrder_RefusedWithHowToFix()
    {
        string path = NumpyFixtures.Full(NumpyFixtures.Manifest.GetProperty("fortran").GetString()!);
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fortran_order", ex.Message, StringComparison.Ordinal);
        Assert.Contains("np.ascontiguousarray", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Open_NumpyFileOfUnsupportedKind_InvalidDataExceptionNamingFileAndProblem(string name)
    {
        JsonElement entry = NumpyFixtures.Manifest.GetProperty("hostile").EnumerateArray().Single(h => h.GetProperty("name").GetString() == name);
        string path = NumpyFixtures.Full(entry.GetProperty("path").GetString()!);
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(entry.GetProperty("message").GetString()!, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mismatch/b_dtype.npy", "<f4")]
    [InlineData("mismatch/c_shape.npy", "(5,)")]
    [InlineData("mismatch/d_order.npy", ">f8")]
    public void Open_MismatchedShards_InvalidDataExceptionNamingBothFiles(string other, string found)
    {
        string first = NumpyFixtures.Full("mismatch/a.npy");
        string second = NumpyFixtures.Full(other);
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(first, second));
        Assert.Contains(first, ex.Message, StringComparison.Ordinal);
        Assert.Contains(second, ex.Message, StringComparison.Ordinal);
        Assert.Contains(found, ex.Message, StringComparison.Ordinal);

        var loaderEx = Assert.Throws<InvalidDataException>(() => new WindowLoader(new WindowLoaderOptions { Source = SourceOptions.FromPaths(first, second), Window = 2 }));
        Assert.Equal(ex.Message, loaderEx.Message);
    }

    private static long[] ShardRows(JsonElement entry, long rows) =>
        entry.TryGetProperty("shardRows", out JsonElement s) ? [.. s.EnumerateArray().Select(e => e.GetInt64())] : [rows];

    /// <summary>The checksum make_fixtures.py computes: sum over k of bits[k] * (2k + 1), mod 2^64.</summary>
    private static ulong Checksum(ReadOnlySpan<ulong> bits)
    {
        ulong sum = 0;
        for (int k = 0; k < bits.Length; k++)
        {
            sum = unchecked(sum + (bits[k] * (ulong)((2 * k) + 1)));
        }

        return sum;
    }
}
