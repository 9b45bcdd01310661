using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Mixture;

/// <summary>The loader's rows, split and missing-value options apply to every component of a mixture, each in its own rows.</summary>
public sealed class MixtureRangesTests : IClassFixture<MixtureFixture>
{
    private readonly MixtureFixture _data;

    public MixtureRangesTests(MixtureFixture data) => _data = data;

    [Fact]
    public void GetStarts_SplitWithGap_EveryComponentReadsOnlyItsOwnRangeRows()
    {
        WindowLoaderOptions o = _data.Options(window: 4);
        o.Split = new SplitOptions { Gap = 4, Ranges = new Dictionary<string, double[]> { ["train"] = [0.0, 0.8], ["val"] = [0.8, 0.9], ["test"] = [0.9, 1.0] } };
        o.Use = "val";
        using var loader = new WindowLoader(o);

        // Component 0 (300 rows): val rows [244, 270); component 1 (200 rows): [164, 180); 4-row windows.
        Assert.Equal((270 - 244 - 3) + (180 - 164 - 3), loader.ValidStarts);
        var seen = new HashSet<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            foreach (long g in loader.GetStarts(0, b))
            {
                seen.Add(g);
                (long lo, long hi) = MixtureFixture.ComponentOf(g) == 0 ? (244L, 270L) : (164L, 180L);
                long local = MixtureFixture.ComponentOf(g) == 0 ? g : g - MixtureFixture.RowsA;
                Assert.InRange(local, lo, hi - 4);
            }
        }

        // Shares follow the weights (25 and 11 of 36), so component 0 repeats starts and component 1 leaves some out.
        Assert.Equal(25 + 11, loader.WindowsPerEpoch);
        Assert.Equal(23 + 11, seen.Count);
    }

    [Fact]
    public void Read_SkipWindowsInOneComponent_NoWindowTouchesItsNaNRows()
    {
        using var dir = new TempDirectory();
        string b = TestArrays.WriteNpyShard(dir.File("b-nan.npy"), MixtureFixture.FirstRowB, MixtureFixture.RowsB, MixtureFixture.Cols);
        long length = new FileInfo(b).Length;
        using (var f = new FileStream(b, FileMode.Open, FileAccess.ReadWrite))
        {
            foreach (long row in new long[] { 50, 120 })
            {
                f.Position = length - ((MixtureFixture.RowsB - row) * MixtureFixture.Cols * sizeof(double));
                f.Write(BitConverter.GetBytes(double.NaN));
            }
        }

        WindowLoaderOptions o = _data.Options(window: 4);
        o.Mixture![1].Source = SourceOptions.FromPaths(b);
        o.Missing = MissingValues.SkipWindows;
        using var loader = new WindowLoader(o);

        // Component 0: 147 + 147 starts (two shards of 150); component 1: 197 less the 4 + 4 starts whose window holds row 50 or 120.
        Assert.Equal(294 + 197 - 8, loader.ValidStarts);
        int fromB = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(0, 2)))
        {
            Span<double> x = batch.GetData<double>();
            for (int i = 0; i < batch.Count; i++)
            {
                foreach (double v in x.Slice(i * 4 * MixtureFixture.Cols, 4 * MixtureFixture.Cols))
                {
                    Assert.False(double.IsNaN(v), $"window at {batch.Starts[i]} holds a NaN");
                }

                fromB += MixtureFixture.ComponentOf(batch.Starts[i]);
            }
        }

        Assert.True(fromB > 0);
    }
}
