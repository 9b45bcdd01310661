using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Mixture;

/// <summary>A mixture loader delivers its components' rows exactly, in exact per-epoch shares, resumably and split across ranks like a single source.</summary>
public sealed class MixtureLoaderTests : IClassFixture<MixtureFixture>
{
    private readonly MixtureFixture _data;

    public MixtureLoaderTests(MixtureFixture data) => _data = data;

    private static List<long> ReadStarts(WindowLoader loader, ReadRange range, List<double>? values = null)
    {
        var starts = new List<long>();
        foreach (WindowBatch b in loader.Read(range))
        {
            starts.AddRange(b.Starts.ToArray());
            values?.AddRange(b.GetData<double>().ToArray());
        }

        return starts;
    }

    private static List<long> Stream(WindowLoader loader, long epoch)
    {
        var starts = new List<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            starts.AddRange(loader.GetStarts(epoch, b));
        }

        return starts;
    }

    [Fact]
    public void Read_EveryWindowAndTarget_EqualsItsComponentRows()
    {
        WindowLoaderOptions o = _data.Options(window: 5);
        o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        using var loader = new WindowLoader(o);
        int seen0 = 0, seen1 = 0;
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpochs(0, 2)))
        {
            Span<double> x = b.GetData<double>();
            Span<double> y = b.GetTargetData<double>();
            for (int i = 0; i < b.Count; i++)
            {
                long g = b.Starts[i];
                long row = MixtureFixture.SourceRow(g);
                // A window never crosses into the other component or past its shard (component 0 has a shard edge at 150).
                Assert.Equal(MixtureFixture.ComponentOf(g), MixtureFixture.ComponentOf(g + 5 + 2 - 1));
                Assert.True(g >= 150 || g + 7 <= 150 || g >= MixtureFixture.RowsA, $"start {g} crosses the shard edge");
                Assert.Equal(TestArrays.ExpectedWindow(row, 5, MixtureFixture.Cols), x.Slice(i * 5 * MixtureFixture.Cols, 5 * MixtureFixture.Cols).ToArray());
                Assert.Equal(TestArrays.ExpectedWindow(row + 5, 2, MixtureFixture.Cols), y.Slice(i * 2 * MixtureFixture.Cols, 2 * MixtureFixture.Cols).ToArray());
                if (MixtureFixture.ComponentOf(g) == 0)
                {
                    seen0++;
                }
                else
                {
                    seen1++;
                }
            }
        }

        Assert.True(seen0 > 0 && seen1 > 0);
    }

    [Theory]
    [InlineData(SamplerKind.Permutation)]
    [InlineData(SamplerKind.Uniform)]
    public void Read_EachEpoch_DrawsExactSharesAndCountsThemPerComponent(SamplerKind sampler)
    {
        using var loader = new WindowLoader(_data.Options(perEpoch: 1000, batch: 16, sampler: sampler));
        Assert.Equal(1000, loader.WindowsPerEpoch);
        long[] total = new long[2];
        for (long e = 0; e < 3; e++)
        {
            List<long> starts = ReadStarts(loader, ReadRange.ForEpoch(e));
            Assert.Equal(700, starts.Count(s => MixtureFixture.ComponentOf(s) == 0));
            Assert.Equal(300, starts.Count(s => MixtureFixture.ComponentOf(s) == 1));
            total[0] += 700;
            total[1] += 300;
        }

        LoaderStatistics stats = loader.GetStatistics();
        Assert.Equal(total, stats.ComponentWindows);
        Assert.Equal(stats.Windows, stats.ComponentWindows!.Sum());
    }

    [Fact]
    public void WindowsPerEpoch_Default_IsTheSumOfTheComponentsStarts()
    {
        using var loader = new WindowLoader(_data.Options(weightA: 1, weightB: 1));
        // Window 4: component 0 has 147 + 147 starts (two shards), component 1 has 197.
        Assert.Equal(491, loader.ValidStarts);
        Assert.Equal(491, loader.WindowsPerEpoch);
        List<long> starts = Stream(loader, 0);
        Assert.Equal(246, starts.Count(s => MixtureFixture.ComponentOf(s) == 0)); // 245.5 each: the tie goes to the first
        Assert.Equal(245, starts.Count(s => MixtureFixture.ComponentOf(s) == 1));
    }

    [Fact]
    public void GetStarts_PermutationShareBeyondStarts_CyclesFullPassesOfTheComponent()
    {
        // Component 1 (197 starts) gets 0.8 of 1000 = 800 windows: 4 full passes (788) and 12 more, each start 4 or 5 times.
        using var loader = new WindowLoader(_data.Options(weightA: 0.2, weightB: 0.8, perEpoch: 1000));
        List<long> starts = Stream(loader, 3);
        var counts = starts.Where(s => MixtureFixture.ComponentOf(s) == 1).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(197, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 4, 5));
        Assert.Equal(12, counts.Values.Count(c => c == 5));
        // Component 0 (294 starts) gets 200: no start twice.
        List<long> a = [.. starts.Where(s => MixtureFixture.ComponentOf(s) == 0)];
        Assert.Equal(200, a.Count);
        Assert.Equal(200, a.Distinct().Count());
    }

    [Fact]
    public void GetStarts_UniformOverManyEpochs_SpreadsEvenlyOverAComponentsStarts()
    {
        using var loader = new WindowLoader(_data.Options(weightA: 0.5, weightB: 0.5, perEpoch: 600, sampler: SamplerKind.Uniform));
        var counts = new long[197];
        long draws = 0;
        for (long e = 0; e < 40; e++)
        {
            foreach (long s in Stream(loader, e))
            {
                if (MixtureFixture.ComponentOf(s) == 1)
                {
                    counts[s - MixtureFixture.RowsA]++;
                    draws++;
                }
            }
        }

        Assert.Equal(40 * 300, draws);
        double expected = draws / 197.0;
        double chi = counts.Sum(c => (c - expected) * (c - expected) / expected);
        // 196 degrees of freedom: mean 196, sd 19.8; six sd above the mean would be a broken sampler.
        Assert.InRange(chi, 100, 196 + (6 * 19.8));
    }

    [Fact]
    public void GetStarts_SameOptions_SameStreamAndAnotherSeedAnother()
    {
        using var a = new WindowLoader(_data.Options());
        using var b = new WindowLoader(_data.Options());
        WindowLoaderOptions other = _data.Options();
        other.Seed = 6;
        using var c = new WindowLoader(other);
        Assert.Equal(Stream(a, 2), Stream(b, 2));
        Assert.NotEqual(Stream(a, 2), Stream(c, 2));
        Assert.NotEqual(Stream(a, 2), Stream(a, 3));
    }

    [Fact]
    public void Read_OneOrThreeWorkers_SameWindows()
    {
        WindowLoaderOptions one = _data.Options();
        one.Workers = 1;
        WindowLoaderOptions three = _data.Options();
        three.Workers = 3;
        using var a = new WindowLoader(one);
        using var b = new WindowLoader(three);
        var va = new List<double>();
        var vb = new List<double>();
        Assert.Equal(ReadStarts(a, ReadRange.ForEpoch(1), va), ReadStarts(b, ReadRange.ForEpoch(1), vb));
        Assert.Equal(va, vb);
        Assert.Equal(Stream(a, 1), ReadStarts(a, ReadRange.ForEpoch(1)));
    }

    [Fact]
    public void Read_ResumedFromStateMidEpoch_EqualsUninterrupted()
    {
        using var loader = new WindowLoader(_data.Options(perEpoch: 400));
        List<long> whole = ReadStarts(loader, ReadRange.ForEpochs(1, 2));
        var first = new List<long>();
        LoaderState state = default;
        int batches = 0;
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(1)))
        {
            first.AddRange(b.Starts.ToArray());
            if (++batches == 7)
            {
                state = loader.State;
                break;
            }
        }

        Assert.Equal(new LoaderState(1, 7) { WindowsConsumed = 56, WorldSize = 1 }, state);
        Assert.Equal(state, loader.Advance(new LoaderState(1, 0), 56));
        using var resumed = new WindowLoader(_data.Options(perEpoch: 400));
        Assert.Equal(whole.Count - 56, resumed.CountWindows(ReadRange.From(state, moreEpochs: 1)));
        first.AddRange(ReadStarts(resumed, ReadRange.From(state, moreEpochs: 1)));
        Assert.Equal(whole, first);
        Assert.Equal(whole.Count - 56, resumed.GetStatistics().ComponentWindows!.Sum());
    }

    [Fact]
    public void GetStarts_ThreeRanks_TogetherCoverTheSingleRankEpoch()
    {
        const long perEpoch = 301; // 100 per rank, one dropped
        using var single = new WindowLoader(_data.Options(perEpoch: perEpoch, batch: 7));
        List<long> global = Stream(single, 4);
        var ranks = new List<long>[3];
        for (int r = 0; r < 3; r++)
        {
            WindowLoaderOptions o = _data.Options(perEpoch: perEpoch, batch: 7);
            o.Rank = r;
            o.WorldSize = 3;
            using var loader = new WindowLoader(o);
            Assert.Equal(100, loader.WindowsPerEpoch);
            ranks[r] = Stream(loader, 4);
            Assert.Equal(ranks[r], ReadStarts(loader, ReadRange.ForEpoch(4)));
        }

        for (int p = 0; p < 100; p++)
        {
            for (int r = 0; r < 3; r++)
            {
                Assert.Equal(global[(p * 3) + r], ranks[r][p]);
            }
        }
    }

    [Fact]
    public void GetStatistics_SingleSource_HasNoComponentWindows()
    {
        using var loader = new WindowLoader(TestArrays.Options(_data.PathB));
        Assert.Single(loader.Read(ReadRange.ForBatches(0, 0, 1)));
        Assert.Null(loader.GetStatistics().ComponentWindows);
    }

    [Fact]
    public void WindowReader_Mixture_ReadsTheCombinedRowsInOrder()
    {
        using var reader = new WindowReader(_data.Options());
        Assert.Equal(491, reader.Count);
        double[] w = new double[4 * MixtureFixture.Cols];
        Assert.Equal(300, reader.GetStart(294)); // the first start of component 1: combined row 300
        reader.ReadWindow(300, System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan()));
        Assert.Equal(TestArrays.ExpectedWindow(MixtureFixture.FirstRowB, 4, MixtureFixture.Cols), w);
    }
}
