using System.Text.Json;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Sampling;

public sealed class EvenRanksTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private WindowLoaderOptions Make(SamplerKind kind, int rank, int world, EvenRanks even)
    {
        string path = _dir.File("a.npy");
        if (!File.Exists(path))
        {
            TestArrays.WriteNpy(path, 110, 1); // 107 starts of window 4: 107 = 4 * 26 + 3
        }

        WindowLoaderOptions o = TestArrays.Options(path, window: 4, batch: 5);
        o.Sampler = kind;
        o.Seed = 9;
        o.Rank = rank;
        o.WorldSize = world;
        o.EvenRanks = even;
        return o;
    }

    private static List<long> Epoch(WindowLoader loader, long epoch)
    {
        var starts = new List<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            starts.AddRange(loader.GetStarts(epoch, b));
        }

        return starts;
    }

    [Theory]
    [InlineData(SamplerKind.Permutation, 4)]
    [InlineData(SamplerKind.Uniform, 4)]
    [InlineData(SamplerKind.Sequential, 5)]
    [InlineData(SamplerKind.Permutation, 200)]
    public void Pad_Ranks_EqualLengthCoverEveryWindowAndRepeatTheEpochsStartLikeDistributedSampler(SamplerKind kind, int world)
    {
        using var single = new WindowLoader(Make(kind, 0, 1, EvenRanks.Drop));
        List<long> order = Epoch(single, 3);
        int perRank = (order.Count + world - 1) / world;
        // DistributedSampler: indices += indices[:padding] (repeated while the padding is longer), then indices[rank::world].
        var padded = new List<long>(order);
        while (padded.Count < perRank * world)
        {
            padded.AddRange(order.Take((perRank * world) - padded.Count));
        }

        var union = new List<long>();
        for (int r = 0; r < world; r++)
        {
            using var loader = new WindowLoader(Make(kind, r, world, EvenRanks.Pad));
            List<long> part = Epoch(loader, 3);
            Assert.Equal(perRank, loader.WindowsPerEpoch);
            Assert.Equal(Enumerable.Range(0, perRank).Select(p => padded[(p * world) + r]), part);
            union.AddRange(part);
        }

        Assert.Equal(order.ToHashSet(), union.ToHashSet());
    }

    [Fact]
    public void Drop_Default_DropsTheRemainderAsBefore()
    {
        Assert.Equal(EvenRanks.Drop, new WindowLoaderOptions().EvenRanks);
        using var single = new WindowLoader(Make(SamplerKind.Permutation, 0, 1, EvenRanks.Drop));
        List<long> order = Epoch(single, 0);
        using var last = new WindowLoader(Make(SamplerKind.Permutation, 3, 4, EvenRanks.Drop));
        Assert.Equal(26, last.WindowsPerEpoch);
        Assert.Equal(Enumerable.Range(0, 26).Select(p => order[(p * 4) + 3]), Epoch(last, 0));
    }

    [Fact]
    public void Pad_OneRank_SameStreamAsDrop()
    {
        using var drop = new WindowLoader(Make(SamplerKind.Uniform, 0, 1, EvenRanks.Drop));
        using var pad = new WindowLoader(Make(SamplerKind.Uniform, 0, 1, EvenRanks.Pad));
        Assert.Equal(Epoch(drop, 1), Epoch(pad, 1));
    }

    [Fact]
    public void Pad_ReadsTheWindowsGetStartsNames()
    {
        using var loader = new WindowLoader(Make(SamplerKind.Permutation, 2, 4, EvenRanks.Pad));
        var read = new List<long>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(1)))
        {
            read.AddRange(batch.Starts.ToArray());
            Assert.Equal(TestArrays.ExpectedWindow(batch.Starts[^1], 4, 1), batch.GetData<double>()[((batch.Count - 1) * 4)..].ToArray());
        }

        Assert.Equal(Epoch(loader, 1), read);
        Assert.Equal(27, read.Count);
    }

    [Theory]
    [InlineData("\"pad\"", EvenRanks.Pad)]
    [InlineData("\"Drop\"", EvenRanks.Drop)]
    public void FromJson_EvenRanks_BindsByName(string value, EvenRanks expected)
    {
        string path = TestArrays.WriteNpy(_dir.File("j.npy"), 20, 1);
        using JsonDocument doc = JsonDocument.Parse($$"""{"source": {"paths": [{{JsonSerializer.Serialize(path)}}]}, "evenRanks": {{value}}}""");

        WindowLoaderOptions options = WindowLoaderOptions.FromJson(doc.RootElement, "test.json");

        Assert.Equal(expected, options.EvenRanks);
    }

    [Fact]
    public void FromJson_UnknownEvenRanks_ThrowsNamingTheKeyAndTheChoices()
    {
        string path = TestArrays.WriteNpy(_dir.File("j.npy"), 20, 1);
        using JsonDocument doc = JsonDocument.Parse($$"""{"source": {"paths": [{{JsonSerializer.Serialize(path)}}]}, "evenRanks": "repeat"}""");

        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.FromJson(doc.RootElement, "test.json"));

        Assert.Contains("evenRanks", ex.Message);
        Assert.Contains("\"pad\"", ex.Message);
    }

    [Fact]
    public void Validate_UndefinedEvenRanks_ThrowsArgumentOutOfRangeNamingTheKey()
    {
        WindowLoaderOptions o = Make(SamplerKind.Permutation, 0, 1, (EvenRanks)7);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);

        Assert.Equal("evenRanks", ex.ParamName);
    }
}
