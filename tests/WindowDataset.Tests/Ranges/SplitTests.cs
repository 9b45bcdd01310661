using WindowDataset.Tests.Infrastructure;
using static WindowDataset.Tests.Ranges.Infrastructure.RangeFixtures;

namespace WindowDataset.Tests.Ranges;

/// <summary><c>rows</c> and <c>split</c>: the starts each range leaves, and no window or target ever touching another range's rows.</summary>
public sealed class SplitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> CaseSplits()
    {
        var data = new TheoryData<string, string>();
        foreach (string c in Cases)
        {
            foreach (string s in Splits)
            {
                data.Add(c, s);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseSplits))]
    public void ValidStarts_EachSplit_EqualsNumpy(string name, string split)
    {
        WindowLoaderOptions o = Options(name);
        o.Split = Split();
        o.Use = split;
        long[] expected = Longs(Case(name).GetProperty("splitStarts").GetProperty(split));
        if (expected.Length == 0)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(o));
            Assert.StartsWith($"split.{split}: expected room for one window of {Case(name).GetProperty("span").GetInt64()} rows", ex.Message, StringComparison.Ordinal);
            return;
        }

        using var loader = new WindowLoader(o);
        Assert.Equal(expected.Length, loader.ValidStarts);
        Assert.Equal(expected, AllStarts(loader, 3).Order());
    }

    [Theory]
    [MemberData(nameof(CaseSamplers), MemberType = typeof(Infrastructure.RangeFixtures))]
    public void Read_EverySplitEveryStartOverShardsAndRanks_NeverTouchesAnotherSplitsRows(string name, SamplerKind sampler)
    {
        int cols = 2;
        string a = TestArrays.WriteNpyShard(_dir.File("s0.npy"), 0, 70, cols);
        string b = TestArrays.WriteNpyShard(_dir.File("s1.npy"), 70, 60, cols);
        string c = TestArrays.WriteNpyShard(_dir.File("s2.npy"), 130, 70, cols);
        long[] shardEnds = [70, 130, 200];
        long span = Case(name).GetProperty("span").GetInt64();
        foreach (string split in Splits)
        {
            (long from, long to) = SplitRows(split);
            if (to - from < span)
            {
                continue; // no window fits (ValidStarts_EachSplit_EqualsNumpy checks the error)
            }

            var seen = new HashSet<long>();
            for (int rank = 0; rank < 2; rank++)
            {
                WindowLoaderOptions o = Options(name, a, batch: 5);
                o.Source = SourceOptions.FromPaths(a, b, c);
                o.Split = Split();
                o.Use = split;
                o.Sampler = sampler;
                o.Rank = rank;
                o.WorldSize = 2;
                o.EvenRanks = EvenRanks.Pad;
                if (sampler == SamplerKind.Uniform)
                {
                    o.WindowsPerEpoch = 300;
                }

                using var loader = new WindowLoader(o);
                for (long epoch = 0; epoch < 2; epoch++)
                {
                    foreach ((long start, double[] window, double[] target) in ReadAll(loader, ReadRange.ForEpoch(epoch)))
                    {
                        seen.Add(start);
                        foreach (double v in window.Concat(target))
                        {
                            long row = RowOf(v);
                            Assert.True(row >= from && row < to, $"{split}: start {start} touches row {row} outside [{from}, {to})");
                        }

                        Assert.Equal(RowOf(window[0]), start);
                    }
                }
            }

            // Every start whose span fits in the split and in one shard, and no other.
            var expected = new List<long>();
            for (long s = from; s + span <= to; s++)
            {
                if (Array.FindIndex(shardEnds, e => s < e) == Array.FindIndex(shardEnds, e => s + span - 1 < e))
                {
                    expected.Add(s);
                }
            }

            if (sampler == SamplerKind.Uniform)
            {
                Assert.Subset(expected.ToHashSet(), seen);
            }
            else
            {
                Assert.Equal(expected, seen.Order());
            }
        }
    }

    [Fact]
    public void Read_FileTargetWithSplit_LabelRowInsideTheSplit()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 200, 1);
        string y = TestArrays.WriteNpy(_dir.File("y.npy"), 200, 1);
        foreach (string split in Splits)
        {
            WindowLoaderOptions o = TestArrays.Options(x, window: 5, batch: 4);
            o.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(y), Offset = 3, LeadTime = 1 };
            o.Split = Split();
            o.Use = split;
            (long from, long to) = SplitRows(split);
            using var loader = new WindowLoader(o);
            var all = ReadAll(loader, ReadRange.ForEpoch(0));
            // label row = start + 4 + 3 + 1 must be < to; the window's rows are inside already.
            Assert.Equal(Math.Max(0, to - 8 - from), all.Count);
            Assert.All(all, w => Assert.InRange(RowOf(w.Target[0]), from, to - 1));
            Assert.All(all, w => Assert.Equal(w.Start + 8, RowOf(w.Target[0])));
        }
    }

    [Fact]
    public void ValidStarts_RowsRange_WindowsAndTargetsInsideIt()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 100, 1);
        WindowLoaderOptions o = TestArrays.Options(x, window: 4, batch: 4);
        o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        o.Rows = new RowRange { Start = 10, End = 30 };
        using var loader = new WindowLoader(o);
        Assert.Equal(Enumerable.Range(10, 30 - 6 - 10 + 1).Select(i => (long)i), AllStarts(loader, 0).Order());
        Assert.All(ReadAll(loader, ReadRange.ForEpoch(0)), w => Assert.InRange(RowOf(w.Target[^1]), 10, 29));
    }

    [Fact]
    public void ValidStarts_RowsAndSplit_SplitDividesTheRowsRange()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 300, 1);
        WindowLoaderOptions o = TestArrays.Options(x, window: 3, batch: 4);
        o.Rows = new RowRange { Start = 100, End = 200 };
        o.Split = new SplitOptions { Gap = 2, Ranges = { ["a"] = [0.0, 0.5], ["b"] = [0.5, 1.0] } };
        o.Use = "b";
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal(Enumerable.Range(152, 200 - 3 - 152 + 1).Select(i => (long)i), AllStarts(loader, 0).Order());
        }

        o.Use = "a";
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal(Enumerable.Range(100, 150 - 3 - 100 + 1).Select(i => (long)i), AllStarts(loader, 0).Order());
        }

        // Absolute bounds are global rows inside the rows range.
        o.Split = new SplitOptions { Ranges = { ["a"] = [100, 140], ["b"] = [140, 200] } };
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal(Enumerable.Range(100, 140 - 3 - 100 + 1).Select(i => (long)i), AllStarts(loader, 0).Order());
        }
    }

    [Fact]
    public void GetStarts_SequentialStrideAndShuffleBlockOverASplit_OnlyTheSplitsStarts()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 200, 1);
        WindowLoaderOptions o = TestArrays.Options(x, window: 4, batch: 8);
        o.Split = Split();
        o.Use = "val"; // rows [165, 180): starts 165..176
        o.Sampler = SamplerKind.Sequential;
        o.Stride = 5;
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal([165L, 170, 175], AllStarts(loader, 0));
        }

        o.Sampler = SamplerKind.Permutation;
        o.Stride = 1;
        o.ShuffleBlock = new ShuffleBlockOptions { Rows = 4, Chunks = 2 };
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal(Enumerable.Range(165, 12).Select(i => (long)i), AllStarts(loader, 1).Order());
        }
    }

    [Fact]
    public void ReadStarts_ExplicitStartOutsideTheSplit_ThrowsNamingIt()
    {
        string x = TestArrays.WriteNpy(_dir.File("x.npy"), 200, 1);
        WindowLoaderOptions o = TestArrays.Options(x, window: 4, batch: 8);
        o.Split = Split();
        o.Use = "val";
        o.Starts = [165, 164];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(o));
        Assert.Contains("starts[1]", ex.Message, StringComparison.Ordinal);
        o.Starts = null;
        using var loader = new WindowLoader(o);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadStarts([177]).ToList());
    }
}
