using System.Text.Json;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Sampling;

/// <summary>
/// A state saved by every rank at the same step resumes with another world size: the windows read before and after
/// are the epoch's global order, position by position, none repeated and none skipped.
/// </summary>
public sealed class ElasticResumeTests : IDisposable
{
    private const int Batch = 5;
    private const long Epoch = 2;
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public ElasticResumeTests()
    {
        _path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, 1); // 397 starts of window 4 (a prime: never even)
    }

    public void Dispose() => _dir.Dispose();

    public enum Kind
    {
        Permutation,
        Uniform,
        Sequential,
        Starts,
    }

    private WindowLoaderOptions Make(Kind kind, int rank, int world, EvenRanks even = EvenRanks.Drop, long? perEpoch = null)
    {
        WindowLoaderOptions o = TestArrays.Options(_path, window: 4, batch: Batch);
        o.Seed = 21;
        o.Rank = rank;
        o.WorldSize = world;
        o.EvenRanks = even;
        o.WindowsPerEpoch = perEpoch;
        switch (kind)
        {
            case Kind.Permutation:
                o.Sampler = SamplerKind.Permutation;
                break;
            case Kind.Uniform:
                o.Sampler = SamplerKind.Uniform;
                break;
            case Kind.Sequential:
                o.Sampler = SamplerKind.Sequential;
                o.Stride = 2;
                break;
            default:
                o.Starts = [.. Enumerable.Range(0, 151).Select(i => (long)((i * 37) % 397))];
                break;
        }

        return o;
    }

    private static List<long> ReadAll(WindowLoader loader, ReadRange range, long? epoch = null)
    {
        var starts = new List<long>();
        foreach (WindowBatch b in loader.Read(range))
        {
            if (epoch is null || b.Epoch == epoch)
            {
                starts.AddRange(b.Starts.ToArray());
            }
        }

        return starts;
    }

    /// <summary>Each of <paramref name="world"/> ranks reads <paramref name="batches"/> batches of the epoch; returns their windows and the state they all saved.</summary>
    private (List<long>[] Windows, LoaderState State) Stop(Kind kind, int world, int batches, EvenRanks even, long? perEpoch = null, LoaderState? from = null)
    {
        var windows = new List<long>[world];
        LoaderState? state = null;
        for (int r = 0; r < world; r++)
        {
            using var loader = new WindowLoader(Make(kind, r, world, even, perEpoch));
            windows[r] = [];
            int taken = 0;
            foreach (WindowBatch b in loader.Read(from is { } f ? ReadRange.From(f) : ReadRange.ForEpoch(Epoch)))
            {
                windows[r].AddRange(b.Starts.ToArray());
                if (++taken == batches)
                {
                    break;
                }
            }

            LoaderState saved = JsonSerializer.Deserialize<LoaderState>(JsonSerializer.Serialize(loader.State));
            Assert.True(state is null || state == saved, $"rank {r} saved {saved}, rank 0 {state}");
            state = saved;
        }

        return (windows, state!.Value);
    }

    /// <summary>The rest of the epoch on each of <paramref name="world"/> ranks, from <paramref name="state"/>.</summary>
    private List<long>[] Resume(Kind kind, int world, LoaderState state, EvenRanks even, long? perEpoch = null)
    {
        var windows = new List<long>[world];
        for (int r = 0; r < world; r++)
        {
            using var loader = new WindowLoader(Make(kind, r, world, even, perEpoch));
            long expected = loader.CountWindows(ReadRange.From(state));
            windows[r] = ReadAll(loader, ReadRange.From(state));
            Assert.Equal(expected, windows[r].Count);
            Assert.Equal(new LoaderState(Epoch + 1, 0), loader.Position);
        }

        return windows;
    }

    /// <summary>Puts rank streams back at their global positions: rank r's window p is position origin + p * world + r.</summary>
    private static void Place(Dictionary<long, long> global, List<long>[] ranks, long origin)
    {
        int world = ranks.Length;
        for (int r = 0; r < world; r++)
        {
            for (int p = 0; p < ranks[r].Count; p++)
            {
                Assert.True(global.TryAdd(origin + ((long)p * world) + r, ranks[r][p]), $"position {origin + ((long)p * world) + r} read twice");
            }
        }
    }

    private List<long> GlobalOrder(Kind kind, long? perEpoch = null)
    {
        using var single = new WindowLoader(Make(kind, 0, 1, EvenRanks.Drop, perEpoch));
        return ReadAll(single, ReadRange.ForEpoch(Epoch));
    }

    [Theory]
    [InlineData(Kind.Permutation, 4, 3, EvenRanks.Drop)]
    [InlineData(Kind.Permutation, 4, 6, EvenRanks.Drop)]
    [InlineData(Kind.Permutation, 4, 3, EvenRanks.Pad)]
    [InlineData(Kind.Permutation, 4, 6, EvenRanks.Pad)]
    [InlineData(Kind.Uniform, 4, 3, EvenRanks.Drop)]
    [InlineData(Kind.Uniform, 4, 6, EvenRanks.Pad)]
    [InlineData(Kind.Sequential, 4, 3, EvenRanks.Pad)]
    [InlineData(Kind.Sequential, 4, 6, EvenRanks.Drop)]
    [InlineData(Kind.Starts, 4, 3, EvenRanks.Drop)]
    [InlineData(Kind.Starts, 4, 6, EvenRanks.Pad)]
    [InlineData(Kind.Permutation, 2, 1, EvenRanks.Drop)]
    [InlineData(Kind.Permutation, 1, 5, EvenRanks.Pad)]
    [InlineData(Kind.Permutation, 4, 4, EvenRanks.Pad)]
    public void Resume_OtherWorldSize_ReadsTheRestOfTheGlobalOrderPositionByPosition(Kind kind, int from, int to, EvenRanks even)
    {
        List<long> order = GlobalOrder(kind);
        long n = order.Count;
        (List<long>[] before, LoaderState state) = Stop(kind, from, batches: 3, even);
        long consumed = 3L * Batch * from;
        Assert.Equal(new LoaderState(Epoch, 3) { WindowsConsumed = consumed, WorldSize = from }, state);

        List<long>[] after = Resume(kind, to, state, even);

        var global = new Dictionary<long, long>();
        Place(global, before, 0);
        Place(global, after, consumed);
        long rest = n - consumed;
        long end = consumed + ((even == EvenRanks.Pad ? (rest + to - 1) / to : rest / to) * to);
        Assert.Equal(end, global.Count); // positions 0..end-1, each once (TryAdd above)
        for (long q = 0; q < end; q++)
        {
            Assert.Equal(order[(int)(q % n)], global[q]);
        }

        if (kind != Kind.Uniform && kind != Kind.Starts)
        {
            // Distinct starts: a window is repeated only as padding, and only the last (rest mod to) are dropped.
            long distinct = global.Values.Distinct().LongCount();
            Assert.Equal(Math.Min(n, end), distinct);
        }
    }

    [Theory]
    [InlineData(Kind.Permutation)]
    [InlineData(Kind.Uniform)]
    [InlineData(Kind.Sequential)]
    [InlineData(Kind.Starts)]
    public void Resume_FourToThreeAndSix_EqualsTheUninterruptedEpochAsMultisetAndPerPosition(Kind kind)
    {
        const long perEpoch = 120; // divides among 1, 3, 4 and 6 ranks: nothing dropped or padded
        List<long> order = GlobalOrder(kind, perEpoch);
        Assert.Equal(perEpoch, order.Count);
        var uninterrupted = new Dictionary<long, long>();
        Place(uninterrupted, Resume(kind, 4, new LoaderState(Epoch, 0), EvenRanks.Drop, perEpoch), 0);
        Assert.Equal(order, Enumerable.Range(0, order.Count).Select(q => uninterrupted[q]));
        foreach (int to in new[] { 3, 6 })
        {
            (List<long>[] before, LoaderState state) = Stop(kind, 4, batches: 3, EvenRanks.Drop, perEpoch); // 60 read, 60 left
            List<long>[] after = Resume(kind, to, state, EvenRanks.Drop, perEpoch);
            List<long> all = [.. before.SelectMany(w => w), .. after.SelectMany(w => w)];
            Assert.Equal(order.Order(), all.Order());
            var global = new Dictionary<long, long>();
            Place(global, before, 0);
            Place(global, after, state.WindowsConsumed!.Value);
            Assert.Equal(order, Enumerable.Range(0, order.Count).Select(q => global[q]));
        }
    }

    [Fact]
    public void Resume_TwiceInOneEpoch_FourThenThreeThenSix_CoversTheEpochOnce()
    {
        List<long> order = GlobalOrder(Kind.Permutation);
        (List<long>[] first, LoaderState s1) = Stop(Kind.Permutation, 4, batches: 2, EvenRanks.Drop);
        (List<long>[] second, LoaderState s2) = Stop(Kind.Permutation, 3, batches: 4, EvenRanks.Drop, from: s1);
        Assert.Equal(new LoaderState(Epoch, 4) { WindowsConsumed = 40 + 60, WorldSize = 3 }, s2);
        List<long>[] third = Resume(Kind.Permutation, 6, s2, EvenRanks.Drop);

        var global = new Dictionary<long, long>();
        Place(global, first, 0);
        Place(global, second, 40);
        Place(global, third, 100);
        Assert.Equal(100 + ((397 - 100) / 6 * 6), global.Count);
        Assert.All(global, g => Assert.Equal(order[(int)g.Key], g.Value));
    }

    [Fact]
    public void Resume_OtherWorldSize_LaterEpochsAreTheNewWorldSizesEpochs()
    {
        (_, LoaderState state) = Stop(Kind.Permutation, 4, batches: 3, EvenRanks.Pad);
        for (int r = 0; r < 3; r++)
        {
            using var loader = new WindowLoader(Make(Kind.Permutation, r, 3, EvenRanks.Pad));
            List<long> next = ReadAll(loader, ReadRange.From(state, moreEpochs: 2), epoch: Epoch + 2);
            Assert.Equal(ReadAll(loader, ReadRange.ForEpoch(Epoch + 2)), next);
            Assert.Equal(new LoaderState(Epoch + 3, 0), loader.Position);
        }
    }

    [Fact]
    public void Position_InsideAResumedEpoch_CarriesTheGlobalPositionAndResumesExactly()
    {
        (_, LoaderState state) = Stop(Kind.Uniform, 4, batches: 3, EvenRanks.Drop);
        using var loader = new WindowLoader(Make(Kind.Uniform, 1, 3));
        List<long> whole = ReadAll(loader, ReadRange.From(state));
        var head = new List<long>();
        foreach (WindowBatch b in loader.Read(ReadRange.From(state)))
        {
            Assert.Equal(head.Count / Batch, b.Index); // the resumed split numbers its batches from 0
            head.AddRange(b.Starts.ToArray());
            if (b.Index == 4)
            {
                break;
            }
        }

        LoaderState position = loader.Position;
        Assert.Equal(new LoaderState(Epoch, 5) { WindowsConsumed = 60 + (5 * Batch * 3), WorldSize = 3 }, position);
        Assert.Equal(position, loader.State);
        List<long> tail = ReadAll(loader, ReadRange.From(position));
        Assert.Equal(whole, [.. head, .. tail]);
    }

    [Fact]
    public void Resume_SameWorldSize_KeepsTheBatchNumbering()
    {
        (List<long>[] before, LoaderState state) = Stop(Kind.Sequential, 3, batches: 2, EvenRanks.Drop);
        using var loader = new WindowLoader(Make(Kind.Sequential, 2, 3));
        List<long> whole = ReadAll(loader, ReadRange.ForEpoch(Epoch));
        long index = 2;
        var rest = new List<long>();
        foreach (WindowBatch b in loader.Read(ReadRange.From(state)))
        {
            Assert.Equal(index++, b.Index);
            rest.AddRange(b.Starts.ToArray());
        }

        Assert.Equal(whole, [.. before[2], .. rest]);
    }

    [Fact]
    public void State_Json_RoundTripsAndOldStatesStillRead()
    {
        using var loader = new WindowLoader(Make(Kind.Permutation, 0, 1));
        Assert.Equal("""{"Epoch":0,"Batch":0}""", JsonSerializer.Serialize(loader.Position));
        Assert.Equal("""{"Epoch":0,"Batch":0,"WindowsConsumed":0,"WorldSize":1}""", JsonSerializer.Serialize(loader.State));
        var camel = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        LoaderState old = JsonSerializer.Deserialize<LoaderState>("""{"epoch":3,"batch":7}""", camel);
        Assert.Equal(new LoaderState(3, 7), old);
        Assert.Null(old.WindowsConsumed);
        var full = new LoaderState(3, 7) { WindowsConsumed = 140, WorldSize = 4 };
        Assert.Equal(full, JsonSerializer.Deserialize<LoaderState>(JsonSerializer.Serialize(full, camel), camel));
        Assert.Equal("LoaderState { Epoch = 3, Batch = 7 }", old.ToString());
        Assert.Equal("LoaderState { Epoch = 3, Batch = 7, WindowsConsumed = 140, WorldSize = 4 }", full.ToString());
    }

    [Fact]
    public void Advance_InsideABatch_ResumesAtThatWindowOnAnyWorldSize()
    {
        List<long> order = GlobalOrder(Kind.Permutation);
        using var rank0 = new WindowLoader(Make(Kind.Permutation, 0, 4));
        LoaderState state = rank0.Advance(new LoaderState(Epoch, 0), 7);
        Assert.Equal(new LoaderState(Epoch, 1) { WindowsConsumed = 28, WorldSize = 4 }, state);
        for (int r = 0; r < 4; r++)
        {
            using var same = new WindowLoader(Make(Kind.Permutation, r, 4));
            Assert.Equal(Enumerable.Range(7, 99 - 7).Select(p => order[(p * 4) + r]), ReadAll(same, ReadRange.From(state)));
        }

        using var other = new WindowLoader(Make(Kind.Permutation, 1, 3));
        Assert.Equal(Enumerable.Range(0, (397 - 28) / 3).Select(p => order[28 + (p * 3) + 1]), ReadAll(other, ReadRange.From(state)));
        Assert.Equal(new LoaderState(Epoch + 1, 0) { WindowsConsumed = 0, WorldSize = 4 }, rank0.Advance(state, 99 - 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => rank0.Advance(state, 99 - 6));
    }

    [Fact]
    public void CountWindows_Ranges_EqualsTheWindowsRead()
    {
        using var loader = new WindowLoader(Make(Kind.Permutation, 1, 3, EvenRanks.Pad));
        foreach (ReadRange range in new[] { ReadRange.ForEpoch(0), ReadRange.ForEpochs(1, 3), ReadRange.ForBatches(0, 3, 9), ReadRange.From(new LoaderState(1, 4), 1) })
        {
            Assert.Equal(ReadAll(loader, range).Count, loader.CountWindows(range));
        }

        Assert.Equal(133, loader.CountWindows(ReadRange.ForEpoch(0)));
    }

    [Fact]
    public void Read_StateBeyondTheEpoch_ThrowsArgumentOutOfRangeNamingTheField()
    {
        using var loader = new WindowLoader(Make(Kind.Permutation, 0, 3));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => loader.Read(ReadRange.From(new LoaderState(0, 0) { WindowsConsumed = 500, WorldSize = 4 })));
        Assert.Contains("windowsConsumed: expected 0..400", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Read(ReadRange.From(new LoaderState(0, 0) { WindowsConsumed = 5, WorldSize = 0 })));
    }

    [Fact]
    public void Resume_AllWindowsConsumed_EmptyEpochThenTheNextOne()
    {
        using var loader = new WindowLoader(Make(Kind.Permutation, 0, 3));
        var state = new LoaderState(Epoch, 0) { WindowsConsumed = 397, WorldSize = 4 };
        Assert.Empty(ReadAll(loader, ReadRange.From(state)));
        Assert.Equal(new LoaderState(Epoch + 1, 0), loader.Position);
        Assert.Equal(ReadAll(loader, ReadRange.ForEpoch(Epoch + 1)), ReadAll(loader, ReadRange.From(state, 1)));
    }
}
