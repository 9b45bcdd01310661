using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class ReadRangeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public ReadRangeTests() => _path = TestArrays.WriteNpy(_dir.File("a.npy"), 120, 3);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_EndBeforeStart_ThrowsArgumentOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ReadRange(new LoaderState(2, 3), new LoaderState(2, 1)));
        Assert.Contains("expected a position at or after the start", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadRange(new LoaderState(-1, 0), new LoaderState(0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReadRange.ForEpochs(0, -1));
    }

    [Fact]
    public void Factories_DescribeTheirIntervals()
    {
        Assert.Equal(new ReadRange(new LoaderState(3, 0), new LoaderState(4, 0)), ReadRange.ForEpoch(3));
        Assert.Equal(new ReadRange(new LoaderState(1, 0), new LoaderState(4, 0)), ReadRange.ForEpochs(1, 3));
        Assert.Equal(new ReadRange(new LoaderState(2, 1), new LoaderState(2, 5)), ReadRange.ForBatches(2, 1, 5));
        Assert.Equal(new ReadRange(new LoaderState(2, 4), new LoaderState(3, 0)), ReadRange.From(new LoaderState(2, 4)));
        Assert.Equal(new ReadRange(new LoaderState(2, 4), new LoaderState(5, 0)), ReadRange.From(new LoaderState(2, 4), moreEpochs: 2));
    }

    [Fact]
    public void Read_EpochsRange_EqualsEachEpochReadAlone()
    {
        WindowLoaderOptions options = Options();
        using var loader = new WindowLoader(options);
        var expected = new List<(long Epoch, long Index, long[] Starts)>();
        for (long e = 2; e < 5; e++)
        {
            foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(e)))
            {
                expected.Add((b.Epoch, b.Index, b.Starts.ToArray()));
            }
        }

        var actual = new List<(long Epoch, long Index, long[] Starts)>();
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpochs(2, 3)))
        {
            actual.Add((b.Epoch, b.Index, b.Starts.ToArray()));
        }

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Epoch, actual[i].Epoch);
            Assert.Equal(expected[i].Index, actual[i].Index);
            Assert.Equal(expected[i].Starts, actual[i].Starts);
        }
    }

    [Fact]
    public void Read_FromSavedPosition_ContinuesWithTheBatchesAnUninterruptedRunDelivers()
    {
        using var loader = new WindowLoader(Options());
        var all = new List<long[]>();
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpochs(1, 2)))
        {
            all.Add(b.Starts.ToArray());
        }

        LoaderState saved;
        int taken = 0;
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpochs(1, 2)))
        {
            if (++taken == 3)
            {
                break;
            }
        }

        saved = loader.Position;
        Assert.Equal(new LoaderState(1, 3), saved);
        var rest = new List<long[]>();
        foreach (WindowBatch b in loader.Read(ReadRange.From(saved, moreEpochs: 1)))
        {
            rest.Add(b.Starts.ToArray());
        }

        Assert.Equal(all.Count - 3, rest.Count);
        for (int i = 0; i < rest.Count; i++)
        {
            Assert.Equal(all[i + 3], rest[i]);
        }
    }

    [Fact]
    public void Read_BatchIndexPastTheEpoch_ThrowsArgumentOutOfRangeNamingTheLimit()
    {
        using var loader = new WindowLoader(Options());
        long perEpoch = loader.BatchesPerEpoch;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => loader.Read(ReadRange.ForBatches(0, 0, perEpoch + 1)));
        Assert.Contains($"expected batch indexes <= {perEpoch}", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadAsync(ReadRange.ForBatches(0, perEpoch + 1, perEpoch + 1)));
    }

    [Fact]
    public async Task ReadAsync_BatchesRange_EqualsSyncRead()
    {
        using var loader = new WindowLoader(Options());
        var sync = new List<long[]>();
        foreach (WindowBatch b in loader.Read(ReadRange.ForBatches(1, 2, 5)))
        {
            sync.Add(b.Starts.ToArray());
        }

        var async = new List<long[]>();
        await foreach (WindowBatch b in loader.ReadAsync(ReadRange.ForBatches(1, 2, 5)))
        {
            async.Add(b.Starts.ToArray());
        }

        Assert.Equal(3, sync.Count);
        Assert.Equal(sync, async);
    }

    [Fact]
    public void ReadStarts_GivenStarts_DeliversThoseWindowsInOrderAndLeavesPositionAlone()
    {
        using var loader = new WindowLoader(Options());
        long[] starts = [116, 0, 5, 5, 63, 12, 99, 1, 42, 30, 2];
        var seen = new List<long>();
        long index = 0;
        foreach (WindowBatch b in loader.ReadStarts(starts))
        {
            Assert.Equal(index++, b.Index);
            Span<double> data = b.GetData<double>();
            for (int i = 0; i < b.Count; i++)
            {
                seen.Add(b.Starts[i]);
                Assert.Equal(TestArrays.ExpectedWindow(b.Starts[i], 4, 3), data.Slice(i * 12, 12).ToArray());
            }
        }

        Assert.Equal(starts, seen);
        Assert.Equal(2, index); // batches of 8: 8 + 3
        Assert.Equal(default, loader.Position);
    }

    [Fact]
    public async Task ReadStartsAsync_StartWhereNoWindowFits_ThrowsArgumentOutOfRange()
    {
        using var loader = new WindowLoader(Options());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadStartsAsync([3, 117]));
        Assert.Contains("starts[1]", ex.Message);
        int batches = 0;
        await foreach (WindowBatch b in loader.ReadStartsAsync([3, 4]))
        {
            Assert.Equal([3L, 4L], b.Starts.ToArray());
            batches++;
        }

        Assert.Equal(1, batches);
    }

    private WindowLoaderOptions Options()
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 8);
        options.Sampler = SamplerKind.Permutation;
        options.Seed = 7;
        return options;
    }

    [Fact]
    public void Read_StartAtTheEndOfAnEpoch_PositionIsTheNextEpochsFirstBatch()
    {
        using var loader = new WindowLoader(Options());
        long perEpoch = loader.BatchesPerEpoch;
        Assert.Empty(loader.Read(ReadRange.ForBatches(2, perEpoch, perEpoch)));
        Assert.Equal(new LoaderState(3, 0), loader.Position);
    }

    [Fact]
    public void Read_MoreBatchesThanALongHolds_ThrowsArgumentOutOfRange()
    {
        using var loader = new WindowLoader(Options());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => loader.Read(ReadRange.ForEpochs(0, long.MaxValue / 2)));
        Assert.Contains("batches", ex.Message);
    }
}
