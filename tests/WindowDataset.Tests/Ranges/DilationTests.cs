using WindowDataset.Tests.Infrastructure;
using static WindowDataset.Tests.Ranges.Infrastructure.RangeFixtures;

namespace WindowDataset.Tests.Ranges;

/// <summary>Dilated windows and lead-time targets against numpy's sliding_window_view (Fixtures/ranges/make.py).</summary>
public sealed class DilationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> CaseNames() => [.. Cases];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ReadWindowAndTarget_EveryStart_EqualsSlidingWindowViewBitForBit(string name)
    {
        (long[] shape, double[] windows) = ReadNpy(Path.Combine(Dir, $"windows_{name}.npy"));
        bool next = Case(name).GetProperty("kind").GetString() == "next";
        (long[] tshape, double[] targets) = next ? ReadNpy(Path.Combine(Dir, $"targets_{name}.npy")) : ([], []);
        using var reader = new WindowReader(Options(name));
        Assert.Equal(shape[0], reader.ValidStarts);
        Assert.Equal(Case(name).GetProperty("starts").GetInt64(), reader.Count);
        int w = (int)(shape[1] * shape[2]);
        double[] window = new double[w];
        for (long i = 0; i < shape[0]; i++)
        {
            Assert.Equal(i, reader.GetStart(i));
            reader.ReadWindow(i, System.Runtime.InteropServices.MemoryMarshal.AsBytes(window.AsSpan()));
            Assert.Equal(Bits(windows.AsSpan((int)(i * w), w)), Bits(window));
            if (next)
            {
                int t = (int)(tshape[1] * tshape[2]);
                double[] target = new double[t];
                reader.ReadTarget(i, System.Runtime.InteropServices.MemoryMarshal.AsBytes(target.AsSpan()));
                Assert.Equal(Bits(targets.AsSpan((int)(i * t), t)), Bits(target));
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Read_PermutationEpoch_EveryBatchEqualsNumpy(string name)
    {
        (long[] shape, double[] windows) = ReadNpy(Path.Combine(Dir, $"windows_{name}.npy"));
        bool next = Case(name).GetProperty("kind").GetString() == "next";
        (long[] tshape, double[] targets) = next ? ReadNpy(Path.Combine(Dir, $"targets_{name}.npy")) : ([], []);
        using var loader = new WindowLoader(Options(name, batch: 16));
        Assert.Equal(shape[0], loader.ValidStarts);
        var all = ReadAll(loader, ReadRange.ForEpoch(1));
        Assert.Equal(shape[0], all.Count);
        Assert.Equal(Enumerable.Range(0, (int)shape[0]).Select(i => (long)i), all.Select(a => a.Start).Order());
        int w = (int)(shape[1] * shape[2]);
        foreach ((long start, double[] window, double[] target) in all)
        {
            Assert.Equal(Bits(windows.AsSpan((int)(start * w), w)), Bits(window));
            if (next)
            {
                int t = (int)(tshape[1] * tshape[2]);
                Assert.Equal(Bits(targets.AsSpan((int)(start * t), t)), Bits(target));
            }
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(60, true)] // 60 rows x 80 bytes between window rows: one read per row
    public void Read_DilationOverShardsAndOutputTypes_EqualsRowsIDPlusKD(int dilation, bool float32)
    {
        string a = TestArrays.WriteNpyShard(_dir.File("s0.npy"), 0, 400, 10);
        string b = TestArrays.WriteNpyShard(_dir.File("s1.npy"), 400, 360, 10);
        WindowLoaderOptions o = TestArrays.Options(a, window: 6, batch: 7);
        o.Source = SourceOptions.FromPaths(a, b);
        o.Dilation = dilation;
        o.OutputType = float32 ? ElementType.Float32 : ElementType.Float64;
        o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2, LeadTime = 3 };
        long span = (5L * dilation) + 1 + 3 + 2;
        using var loader = new WindowLoader(o);
        Assert.Equal(Math.Max(0, 400 - span + 1) + Math.Max(0, 360 - span + 1), loader.ValidStarts);
        double tolerance = float32 ? 0.1 : 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            using (batch)
            {
                double[] data = float32 ? [.. batch.GetData<float>().ToArray().Select(f => (double)f)] : batch.GetData<double>().ToArray();
                double[] target = float32 ? [.. batch.GetTargetData<float>().ToArray().Select(f => (double)f)] : batch.GetTargetData<double>().ToArray();
                for (int i = 0; i < batch.Count; i++)
                {
                    long s = batch.Starts[i];
                    Assert.True((s < 400 && s + span <= 400) || (s >= 400 && s + span <= 760), $"start {s} crosses a shard");
                    for (int k = 0; k < 6; k++)
                    {
                        Assert.Equal(TestArrays.Value(s + (k * dilation), 7), data[(i * 60) + (k * 10) + 7], tolerance);
                    }

                    long last = s + (5L * dilation);
                    Assert.Equal(TestArrays.Value(last + 1 + 3, 0), target[i * 20], tolerance);
                    Assert.Equal(TestArrays.Value(last + 1 + 3 + 1, 9), target[(i * 20) + 19], tolerance);
                }
            }
        }
    }

    [Fact]
    public void ReadTarget_FileTargetWithDilationAndLeadTime_LabelRowShifted()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 100, 2);
        string y = TestArrays.WriteNpy(_dir.File("y.npy"), 100, 1);
        WindowLoaderOptions o = TestArrays.Options(x, window: 4);
        o.Dilation = 3;
        o.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(y), Offset = 1, LeadTime = 2 };
        using var reader = new WindowReader(o);
        // label row = start + (4 - 1) * 3 + 1 + 2 = start + 12, inside 0..99
        Assert.Equal(100 - 12, reader.ValidStarts);
        double[] label = new double[1];
        reader.ReadTarget(5, System.Runtime.InteropServices.MemoryMarshal.AsBytes(label.AsSpan()));
        Assert.Equal(TestArrays.Value(17, 0), label[0]);
        Assert.Equal(87, reader.GetStart(reader.Count - 1));
    }

    [Fact]
    public void ReadStarts_ExplicitStartWhoseDilatedSpanRunsPastTheEnd_ThrowsNamingTheStart()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 50, 1);
        WindowLoaderOptions o = TestArrays.Options(x, window: 5);
        o.Dilation = 4; // span 17: last start 33
        o.Starts = [33, 34];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(o));
        Assert.Contains("starts[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 34", ex.Message, StringComparison.Ordinal);
    }
}
