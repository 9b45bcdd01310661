using System.Text.Json;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class SamplingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<long> AllStarts(WindowLoader loader, long epoch)
    {
        var starts = new List<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            starts.AddRange(loader.GetStarts(epoch, b));
        }

        return starts;
    }

    [Fact]
    public void GetStarts_Permutation_EachEpochVisitsEveryStartOnceInADifferentOrder()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 1000, 1);
        using var loader = new WindowLoader(TestArrays.Options(path, window: 16, batch: 64));
        List<long> e0 = AllStarts(loader, 0);
        List<long> e1 = AllStarts(loader, 1);
        Assert.Equal(Enumerable.Range(0, 985).Select(i => (long)i), e0.Order());
        Assert.Equal(Enumerable.Range(0, 985).Select(i => (long)i), e1.Order());
        Assert.NotEqual(e0, e1);
        Assert.Equal(e0, AllStarts(loader, 0));
    }

    [Fact]
    public void GetStarts_DifferentSeeds_DifferentOrder()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 300, 1);
        WindowLoaderOptions a = TestArrays.Options(path);
        WindowLoaderOptions b = TestArrays.Options(path);
        b.Seed = 99;
        using var la = new WindowLoader(a);
        using var lb = new WindowLoader(b);
        Assert.NotEqual(AllStarts(la, 0), AllStarts(lb, 0));
    }

    [Fact]
    public void GetStarts_Uniform_StaysInRangeAndCoversWidely()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 200, 1);
        WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 100);
        options.Sampler = SamplerKind.Uniform;
        options.WindowsPerEpoch = 10_000;
        using var loader = new WindowLoader(options);
        List<long> starts = AllStarts(loader, 0);
        Assert.Equal(10_000, starts.Count);
        Assert.All(starts, s => Assert.InRange(s, 0, 200 - 16));
        Assert.Equal(185, starts.Distinct().Count()); // 10,000 draws over 185 starts hit them all
        Assert.True(starts.Distinct().Count() < starts.Count); // with replacement
    }

    [Fact]
    public void GetStarts_SequentialWithStride_InOrder()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, 1);
        WindowLoaderOptions options = TestArrays.Options(path, window: 10, batch: 4);
        options.Sampler = SamplerKind.Sequential;
        options.Stride = 10;
        using var loader = new WindowLoader(options);
        Assert.Equal([0L, 10, 20, 30, 40, 50, 60, 70, 80, 90], AllStarts(loader, 5));
        Assert.Equal(3, loader.BatchesPerEpoch);
    }

    [Fact]
    public void GetStarts_ShardedSource_WindowsNeverCrossAFileBoundary()
    {
        string a = TestArrays.WriteNpyShard(_dir.File("s0.npy"), 0, 20, 2);
        string b = TestArrays.WriteNpyShard(_dir.File("s1.npy"), 20, 5, 2);   // fewer rows than the window: no starts
        string c = TestArrays.WriteNpyShard(_dir.File("s2.npy"), 25, 30, 2);
        var options = TestArrays.Options(a, window: 8, batch: 5);
        options.Source = SourceOptions.FromPaths(a, b, c);
        using var loader = new WindowLoader(options);
        Assert.Equal((20 - 8 + 1) + (30 - 8 + 1), loader.ValidStarts);
        List<long> starts = AllStarts(loader, 0);
        var expected = Enumerable.Range(0, 13).Concat(Enumerable.Range(25, 23)).Select(i => (long)i);
        Assert.Equal(expected, starts.Order());
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<double> data = batch.GetData<double>();
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(TestArrays.ExpectedWindow(batch.Starts[i], 8, 2), data.Slice(i * 16, 16).ToArray());
            }
        }
    }

    [Theory]
    [InlineData(SamplerKind.Permutation, 2)]
    [InlineData(SamplerKind.Permutation, 3)]
    [InlineData(SamplerKind.Uniform, 4)]
    [InlineData(SamplerKind.Sequential, 3)]
    public void GetStarts_Ranks_DisjointEqualLengthAndCompletePartsOfTheEpoch(SamplerKind kind, int world)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 517, 1);
        WindowLoaderOptions Make(int? rank, int? worldSize)
        {
            WindowLoaderOptions o = TestArrays.Options(path, window: 16, batch: 16);
            o.Sampler = kind;
            o.Rank = rank;
            o.WorldSize = worldSize;
            o.Seed = 5;
            return o;
        }

        using var single = new WindowLoader(Make(0, 1));
        List<long> whole = AllStarts(single, 2);
        var parts = new List<List<long>>();
        for (int r = 0; r < world; r++)
        {
            using var loader = new WindowLoader(Make(r, world));
            parts.Add(AllStarts(loader, 2));
        }

        int perRank = whole.Count / world;
        Assert.All(parts, p => Assert.Equal(perRank, p.Count));
        // Interleaved: rank r takes positions r, r + world, ... of the single-process stream.
        for (int r = 0; r < world; r++)
        {
            Assert.Equal(Enumerable.Range(0, perRank).Select(p => whole[(p * world) + r]), parts[r]);
        }

        if (kind != SamplerKind.Uniform)
        {
            var union = parts.SelectMany(p => p).ToList();
            Assert.Equal(union.Count, union.Distinct().Count());
        }
    }

    [Fact]
    public void Resume_FromSavedPosition_EqualsUninterruptedRun()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, 2);
        WindowLoaderOptions options = TestArrays.Options(path, window: 5, batch: 9);
        options.Seed = 3;
        var uninterrupted = new List<long[]>();
        using (var loader = new WindowLoader(options))
        {
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(4)))
            {
                uninterrupted.Add(batch.Starts.ToArray());
            }
        }

        string saved;
        var resumed = new List<long[]>();
        using (var loader = new WindowLoader(options))
        {
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(4)))
            {
                resumed.Add(batch.Starts.ToArray());
                if (batch.Index == 10)
                {
                    break;
                }
            }

            saved = JsonSerializer.Serialize(loader.Position);
        }

        using (var loader = new WindowLoader(options))
        {
            LoaderState state = JsonSerializer.Deserialize<LoaderState>(saved);
            Assert.Equal(new LoaderState(4, 11), state);
            foreach (WindowBatch batch in loader.Read(ReadRange.From(state)))
            {
                resumed.Add(batch.Starts.ToArray());
                Assert.Equal(TestArrays.ExpectedWindow(batch.Starts[^1], 5, 2), batch.GetData<double>()[((batch.Count - 1) * 10)..].ToArray());
            }

            Assert.Equal(new LoaderState(5, 0), loader.Position);
        }

        Assert.Equal(uninterrupted, resumed);
    }

    [Fact]
    public async Task ReadEpochs_SeveralEpochs_EqualsTheEpochsReadOneByOne()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 150, 2);
        WindowLoaderOptions options = TestArrays.Options(path, window: 5, batch: 16);
        using var loader = new WindowLoader(options);
        var separate = new List<(long Epoch, long Index, long[] Starts)>();
        for (long epoch = 2; epoch < 5; epoch++)
        {
            separate.AddRange(loader.Read(ReadRange.ForEpoch(epoch)).Select(b => (b.Epoch, b.Index, b.Starts.ToArray())));
        }

        var together = new List<(long Epoch, long Index, long[] Starts)>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(2, 3)))
        {
            together.Add((batch.Epoch, batch.Index, batch.Starts.ToArray()));
            Assert.Equal(TestArrays.ExpectedWindow(batch.Starts[0], 5, 2), batch.GetData<double>()[..10].ToArray());
        }

        Assert.Equal(separate.Count, together.Count);
        for (int i = 0; i < separate.Count; i++)
        {
            Assert.Equal((separate[i].Epoch, separate[i].Index), (together[i].Epoch, together[i].Index));
            Assert.Equal(separate[i].Starts, together[i].Starts);
        }

        Assert.Equal(new LoaderState(5, 0), loader.Position);

        // From the middle of an epoch, asynchronously.
        var resumed = new List<(long, long)>();
        await foreach (WindowBatch batch in loader.ReadAsync(new ReadRange(new LoaderState(3, 4), new LoaderState(3 + 2, 0))))
        {
            resumed.Add((batch.Epoch, batch.Index));
        }

        Assert.Equal(separate.Select(b => (b.Epoch, b.Index)).Where(b => b.Epoch == 4 || (b.Epoch == 3 && b.Index >= 4)), resumed);
    }

    [Fact]
    public void ReadEpoch_DropLast_OmitsShortBatch()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 50, 1);
        WindowLoaderOptions options = TestArrays.Options(path, window: 1, batch: 8);
        using (var loader = new WindowLoader(options))
        {
            Assert.Equal(7, loader.BatchesPerEpoch);
            Assert.Equal(2, loader.Read(ReadRange.ForEpoch(0)).Last().Count);
        }

        options.DropLast = true;
        using (var loader = new WindowLoader(options))
        {
            Assert.Equal(6, loader.BatchesPerEpoch);
            Assert.All(loader.Read(ReadRange.ForEpoch(0)).Select(b => b.Count), c => Assert.Equal(8, c));
        }
    }
}
