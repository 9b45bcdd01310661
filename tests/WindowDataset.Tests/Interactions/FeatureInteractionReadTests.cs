using System.Runtime.InteropServices;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Interactions;

/// <summary>Windows, targets and counters stay exact where the merged features meet: dilation, lead time, normalize, fill, skipWindows, inputs and the read planner.</summary>
public sealed class FeatureInteractionReadTests : IDisposable
{
    private const int Cols = 3;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static double[] Dilated(long start, int window, int d, int cols)
    {
        double[] w = new double[window * cols];
        for (int r = 0; r < window; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                w[(r * cols) + c] = TestArrays.Value(start + ((long)r * d), c);
            }
        }

        return w;
    }

    [Theory]
    [InlineData(SamplerKind.Uniform, true)]
    [InlineData(SamplerKind.Sequential, true)]
    [InlineData(SamplerKind.Sequential, false)]
    public void Read_DilationLeadTimeNext_WindowsAndTargetsExact(SamplerKind sampler, bool coalesce)
    {
        WindowLoaderOptions o = TestArrays.Options(TestArrays.WriteNpyShard(_dir.File("s0.npy"), 0, 70, Cols), 5, 16);
        o.Source = SourceOptions.FromPaths(_dir.File("s0.npy"), TestArrays.WriteNpyShard(_dir.File("s1.npy"), 70, 90, Cols));
        o.Dilation = 3;
        o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2, LeadTime = 4 };
        o.Sampler = sampler;
        o.Stride = 1;
        o.Coalesce = coalesce;
        o.WindowsPerEpoch = sampler == SamplerKind.Uniform ? 200 : null;
        using var loader = new WindowLoader(o);
        int n = 0;
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<double> t = b.GetTargetData<double>();
            for (int i = 0; i < b.Count; i++)
            {
                long s = b.Starts[i];
                Assert.Equal(Dilated(s, 5, 3, Cols), b.GetWindowData<double>(i).ToArray());
                Assert.Equal(TestArrays.ExpectedWindow(s + 13 + 4, 2, Cols), t.Slice(i * 2 * Cols, 2 * Cols).ToArray());
                n++;
            }
        }

        Assert.True(n > 0);
        LoaderStatistics stats = loader.GetStatistics();
        Assert.True(stats.BytesRead > 0);
    }

    private string Stats(string path)
    {
        string p = _dir.File(Path.GetFileName(path) + ".stats.json");
        ArrayStatistics.Compute(SourceOptions.FromPaths(path)).Save(p);
        return p;
    }

    private static List<(long, double[], double[])> ReadAll(WindowLoaderOptions o)
    {
        var list = new List<(long, double[], double[])>();
        using var loader = new WindowLoader(o);
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(0)))
        {
            int tb = b.HasTarget ? b.TargetData.Length / b.Count : 0;
            for (int i = 0; i < b.Count; i++)
            {
                list.Add((b.Starts[i], MemoryMarshal.Cast<byte, double>(b.GetWindow(i)).ToArray(), b.HasTarget ? MemoryMarshal.Cast<byte, double>(b.TargetData.Slice(i * tb, tb)).ToArray() : []));
            }
        }

        return list;
    }

    [Theory]
    [InlineData(SamplerKind.Sequential, 2, false, true)]
    [InlineData(SamplerKind.Sequential, 2, true, true)]
    [InlineData(SamplerKind.Uniform, 1, false, true)]
    [InlineData(SamplerKind.Sequential, 2, true, false)]
    public void Read_NormalizeFillNextThroughPlanner_EqualsPlain(SamplerKind sampler, int stride, bool strided, bool next)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 300, Cols);
        // put NaNs in
        long len = new FileInfo(path).Length;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            foreach (long row in new long[] { 7, 50, 51, 199 })
            {
                f.Position = len - ((300 - row) * Cols * sizeof(double)) + 8;
                f.Write(BitConverter.GetBytes(double.NaN));
            }
        }

        WindowLoaderOptions o = TestArrays.Options(path, 8, 16);
        o.Normalize = new NormalizeOptions { Stats = Stats(path), Method = NormalizeMethod.Standard };
        o.Missing = MissingValues.Fill;
        o.OutputType = ElementType.Float64;
        o.Sampler = sampler;
        o.Stride = stride;
        o.WindowsPerEpoch = sampler == SamplerKind.Uniform ? 300 : null;
        if (next)
        {
            o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 3 };
        }

        WindowLoaderOptions plain = o.Clone();
        plain.Coalesce = false;
        plain.StridedWindows = false;
        WindowLoaderOptions fast = o.Clone();
        fast.Coalesce = true;
        fast.StridedWindows = strided;
        var a = ReadAll(plain);
        var b = ReadAll(fast);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Item1, b[i].Item1);
            Assert.Equal(a[i].Item2, b[i].Item2);
            Assert.Equal(a[i].Item3, b[i].Item3);
            Assert.DoesNotContain(b[i].Item2, double.IsNaN);
            Assert.DoesNotContain(b[i].Item3, double.IsNaN);
        }

        // and versus a direct computation
        ArrayStatistics st = ArrayStatistics.Load(o.Normalize.Stats);
        for (int i = 0; i < b.Count; i++)
        {
            double[] w = b[i].Item2;
            for (int r = 0; r < 8; r++)
            {
                for (int c = 0; c < Cols; c++)
                {
                    long row = b[i].Item1 + r;
                    double x = TestArrays.Value(row, c);
                    if (c == 1 && (row is 7 or 50 or 51 or 199))
                    {
                        x = st.MeanArray[c];
                    }

                    Assert.Equal((x - st.MeanArray[c]) * (1.0 / st.StdArray[c]), w[(r * Cols) + c], 9);
                }
            }
        }
    }

    [Fact]
    public void GetStatistics_AlignedInputs_CountsBytesRead()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 200, Cols);
        string y = TestArrays.WriteNpy(_dir.File("y.npy"), 200, 2);
        WindowLoaderOptions o = TestArrays.Options(x, 8, 16);
        o.Source = null!;
        o.Inputs = [new InputOptions { Name = "x", Paths = [x] }, new InputOptions { Name = "y", Paths = [y] }];
        using var loader = new WindowLoader(o);
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(0)))
        {
            _ = b.Count;
        }

        LoaderStatistics stats = loader.GetStatistics();
        Assert.True(stats.BytesDelivered > 0);
        Assert.True(stats.BytesRead > 0, $"BytesRead {stats.BytesRead} for {stats.BytesDelivered} delivered");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_SkipWindowsSequentialStrided_Exact(bool strided)
    {
        string path = TestArrays.WriteNpy(_dir.File("n.npy"), 200, Cols);
        long len = new FileInfo(path).Length;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            foreach (long row in new long[] { 30, 100 })
            {
                f.Position = len - ((200 - row) * Cols * sizeof(double));
                f.Write(BitConverter.GetBytes(double.NaN));
            }
        }

        WindowLoaderOptions o = TestArrays.Options(path, 8, 16);
        o.Missing = MissingValues.SkipWindows;
        o.Sampler = SamplerKind.Sequential;
        o.Stride = 2;
        o.StridedWindows = strided;
        o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        foreach ((long s, double[] w, double[] t) in ReadAll(o))
        {
            Assert.Equal(TestArrays.ExpectedWindow(s, 8, Cols), w);
            Assert.Equal(TestArrays.ExpectedWindow(s + 8, 2, Cols), t);
        }
    }
}
