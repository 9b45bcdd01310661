using WindowDataset.Sampling;
using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Ranges.Infrastructure;
using static WindowDataset.Tests.Ranges.Infrastructure.RangeFixtures;

namespace WindowDataset.Tests.Ranges;

/// <summary><c>missing: skipWindows</c>: the starts left equal numpy's, no sampled window holds a NaN, and the sidecar is reused only while current.</summary>
public sealed class SkipWindowsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> CaseNames() => [.. Cases];

    /// <summary>The fixture copied into the temp folder (so its sidecar is written there, not next to the test binaries).</summary>
    private string Data()
    {
        string path = _dir.File("data.npy");
        if (!File.Exists(path))
        {
            File.Copy(RangeFixtures.Data, path);
        }

        return path;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ValidStarts_SkipWindows_EqualsNumpysStarts(string name)
    {
        WindowLoaderOptions o = Options(name, Data());
        o.Missing = MissingValues.SkipWindows;
        using var loader = new WindowLoader(o);
        long[] expected = Longs(Case(name).GetProperty("skipStarts"));
        Assert.Equal(Case(name).GetProperty("skipCount").GetInt64(), loader.ValidStarts);
        Assert.Equal(expected, AllStarts(loader, 0).Order());
        using var reader = new WindowReader(o);
        Assert.Equal(expected.Length, reader.ValidStarts);
        Assert.Equal(expected, Enumerable.Range(0, (int)reader.Count).Select(i => reader.GetStart(i)));
    }

    [Theory]
    [MemberData(nameof(CaseSamplers), MemberType = typeof(Infrastructure.RangeFixtures))]
    public void Read_SkipWindowsEverySamplerEpochAndRank_NoWindowOrTargetHoldsNaN(string name, SamplerKind sampler)
    {
        long[] expected = Longs(Case(name).GetProperty("skipStarts"));
        var seen = new HashSet<long>();
        for (int rank = 0; rank < 2; rank++)
        {
            WindowLoaderOptions o = Options(name, Data(), batch: 6);
            o.Missing = MissingValues.SkipWindows;
            o.Sampler = sampler;
            o.Rank = rank;
            o.WorldSize = 2;
            o.WindowsPerEpoch = sampler == SamplerKind.Uniform ? 400 : null;
            using var loader = new WindowLoader(o);
            for (long epoch = 0; epoch < 3; epoch++)
            {
                foreach ((long start, double[] window, double[] target) in ReadAll(loader, ReadRange.ForEpoch(epoch)))
                {
                    Assert.All(window, v => Assert.True(double.IsFinite(v), $"start {start}: window holds {v}"));
                    Assert.All(target, v => Assert.True(double.IsFinite(v), $"start {start}: target holds {v}"));
                    seen.Add(start);
                }
            }
        }

        Assert.Subset(expected.ToHashSet(), seen);
        if (sampler != SamplerKind.Uniform)
        {
            Assert.True(seen.Count >= expected.Length - 1, $"{seen.Count} of {expected.Length} starts read"); // drop: at most the odd one out unread
        }
    }

    [Fact]
    public void ValidStarts_SkipWindowsWithSplit_BothApply()
    {
        WindowLoaderOptions o = Options("d1", Data());
        o.Missing = MissingValues.SkipWindows;
        o.Split = Split();
        o.Use = "train";
        using var loader = new WindowLoader(o);
        long[] expected = [.. Longs(Case("d1").GetProperty("skipStarts")).Where(s => s + 5 <= 160)];
        Assert.Equal(expected, AllStarts(loader, 0).Order());
    }

    [Fact]
    public void Sidecar_FirstUse_WrittenThenReusedWithoutAPass()
    {
        string data = Data();
        WindowLoaderOptions o = Options("d1", data);
        o.Missing = MissingValues.SkipWindows;
        using (new WindowLoader(o))
        {
        }

        string sidecar = data + NonFiniteRows.Extension;
        Assert.True(File.Exists(sidecar));
        Assert.Equal(NonFiniteRows.HeaderBytes + (((200 + 63) / 64) * 8), new FileInfo(sidecar).Length);
        using ArraySource source = ArraySource.Open(SourceOptions.FromPaths(data));
        RowBitmap? bits = NonFiniteRows.TryLoad(sidecar, source.Shards[0], source, null);
        Assert.NotNull(bits);
        Assert.Equal([17L, 60, 61, 99, 120, 150], Enumerable.Range(0, 200).Where(r => bits.Get(r)).Select(r => (long)r));

        // A sidecar that says "no bad rows" but is otherwise current would be used: prove the loader reads it.
        var clean = new RowBitmap(200);
        NonFiniteRows.Write(sidecar, source.Shards[0], source, null, clean);
        using var loader = new WindowLoader(o);
        Assert.Equal(196, loader.ValidStarts);
    }

    [Fact]
    public void Sidecar_DataRewritten_StaleSidecarRebuilt()
    {
        string data = Data();
        WindowLoaderOptions o = Options("d1", data);
        o.Missing = MissingValues.SkipWindows;
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal(170, loader.ValidStarts);
        }

        // Same length, new contents and time: no missing values any more.
        TestArrays.WriteNpy(data, 200, 3);
        File.SetLastWriteTimeUtc(data, DateTime.UtcNow.AddMinutes(1));
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal(196, loader.ValidStarts);
        }
    }

    [Theory]
    [InlineData(0)]  // magic
    [InlineData(70)] // a bitmap word: the checksum fails
    public void TryLoad_CorruptSidecar_NullAndTheLoaderRebuildsIt(int offset)
    {
        string data = Data();
        WindowLoaderOptions o = Options("d1", data);
        o.Missing = MissingValues.SkipWindows;
        using (new WindowLoader(o))
        {
        }

        string sidecar = data + NonFiniteRows.Extension;
        byte[] bytes = File.ReadAllBytes(sidecar);
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(sidecar, bytes);
        using (ArraySource source = ArraySource.Open(SourceOptions.FromPaths(data)))
        {
            Assert.Null(NonFiniteRows.TryLoad(sidecar, source.Shards[0], source, null));
        }

        using var loader = new WindowLoader(o);
        Assert.Equal(170, loader.ValidStarts);
    }

    [Fact]
    public void ValidStarts_SidecarCannotBeWritten_BuiltInMemory()
    {
        string data = Data();
        Directory.CreateDirectory(data + NonFiniteRows.Extension); // the sidecar's name is taken by a folder
        WindowLoaderOptions o = Options("d1", data);
        o.Missing = MissingValues.SkipWindows;
        using var loader = new WindowLoader(o);
        Assert.Equal(170, loader.ValidStarts);
    }

    [Fact]
    public void ValidStarts_IntegerArraySkipWindows_NothingSkippedNoSidecar()
    {
        string path = _dir.File("i.npy");
        using (var writer = new NpyWriter(path, ElementType.Int32, [50, 2]))
        {
            writer.Write<int>(new int[100]);
            writer.Complete();
        }

        WindowLoaderOptions o = TestArrays.Options(path, window: 5);
        o.Missing = MissingValues.SkipWindows;
        using var loader = new WindowLoader(o);
        Assert.Equal(46, loader.ValidStarts);
        Assert.False(File.Exists(path + NonFiniteRows.Extension));
    }

    [Fact]
    public void ValidStarts_SkipWindowsEveryWindowBad_ThrowsNamingTheFile()
    {
        string path = _dir.File("nan.npy");
        using (var writer = new NpyWriter(path, ElementType.Float32, [20, 1]))
        {
            float[] v = new float[20];
            for (int i = 0; i < 20; i += 3)
            {
                v[i] = float.NaN;
            }

            writer.Write<float>(v);
            writer.Complete();
        }

        WindowLoaderOptions o = TestArrays.Options(path, window: 4);
        o.Missing = MissingValues.SkipWindows;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(o));
        Assert.StartsWith($"{path}: missing: skipWindows: expected at least one window without NaN or inf; found none among 17 starts (7 of 20 rows hold one).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mark_Float16AndFloat32Rows_FindsEveryNonFiniteRow()
    {
        var bits = new RowBitmap(10);
        Half[] h = new Half[30];
        h[4] = Half.PositiveInfinity;
        h[29] = Half.NaN;
        NonFiniteRows.Mark(System.Runtime.InteropServices.MemoryMarshal.AsBytes(h.AsSpan()), ElementType.Float16, 3, 0, bits);
        Assert.Equal([1L, 9], Enumerable.Range(0, 10).Where(r => bits.Get(r)).Select(r => (long)r));
        float[] f = new float[64];
        f[63] = float.NegativeInfinity;
        var more = new RowBitmap(4);
        NonFiniteRows.Mark(System.Runtime.InteropServices.MemoryMarshal.AsBytes(f.AsSpan()), ElementType.Float32, 16, 0, more);
        Assert.Equal([3L], Enumerable.Range(0, 4).Where(r => more.Get(r)).Select(r => (long)r));
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 0.001)]
    [InlineData(3, 0.999)]
    [InlineData(4, 0.0)]
    public void Select_RandomBitmaps_EqualsTheKthSetBit(int seed, double density)
    {
        var random = new Random(seed);
        long length = 70_000 + random.Next(1000);
        var bits = new RowBitmap(length);
        var ones = new List<long>();
        for (long i = 0; i < length; i++)
        {
            if (random.NextDouble() < density || (density == 0 && i == length - 1))
            {
                bits.Set(i);
                ones.Add(i);
            }
        }

        var index = new RankSelectBitmap(bits);
        Assert.Equal(ones.Count, index.Ones);
        for (int k = 0; k < ones.Count; k++)
        {
            Assert.Equal(ones[k], index.Select(k));
            Assert.Equal(k, index.Rank(ones[k]));
        }

        Assert.True(index.Bytes <= (length / 8) + (length / 64) + 64 + ((ones.Count / 4096) + 1) * 4);
    }
}
