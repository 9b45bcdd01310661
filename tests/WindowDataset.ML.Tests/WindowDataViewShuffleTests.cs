using WindowDataset.ML.Tests.Infrastructure;

namespace WindowDataset.ML.Tests;

public sealed class WindowDataViewShuffleTests
{
    [Theory]
    [InlineData(SamplerKind.Sequential)]
    [InlineData(SamplerKind.Permutation)]
    [InlineData(SamplerKind.Uniform)]
    public void GetRowCursor_SameSeed_SameShuffledOrderOfTheSameRows(SamplerKind sampler)
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), 300, 5);
        var view = new WindowDataView(ViewOptions.Create(path, sampler));

        List<CursorRow> plain = ViewReader.Read(view, features: true);
        List<CursorRow> first = ViewReader.Read(view, features: true, new Random(7));
        List<CursorRow> again = ViewReader.Read(view, features: true, new Random(7));
        List<CursorRow> other = ViewReader.Read(view, features: true, new Random(8));

        Assert.Equal(first.Select(r => r.Start), again.Select(r => r.Start));
        Assert.NotEqual(first.Select(r => r.Start), other.Select(r => r.Start));
        Assert.NotEqual(plain.Select(r => r.Start), first.Select(r => r.Start));
        Assert.Equal(plain.Select(r => r.Start).Order(), first.Select(r => r.Start).Order()); // same multiset
        Assert.All(first, r => Assert.Equal(plain[(int)r.Id].Start, r.Start)); // ids name the unshuffled row
        Assert.All(first, r => Assert.Equal(ViewArrays.Window(r.Start, 4, 5), r.Features));
    }

    [Fact]
    public void GetRowCursor_UniformSampler_ShuffleKeepsDuplicateStarts()
    {
        using var dir = new TempDirectory();
        string path = TestArrays.WriteNpy(dir.File("a.npy"), 60, 2);
        var view = new WindowDataView(ViewOptions.Create(path, SamplerKind.Uniform, window: 2, labelIndex: 0));

        List<long> plain = [.. ViewReader.Read(view, features: false).Select(r => r.Start)];
        List<long> shuffled = [.. ViewReader.Read(view, features: true, new Random(1)).Select(r => r.Start)];

        Assert.True(plain.Distinct().Count() < plain.Count, "the uniform sampler draws starts with replacement");
        Assert.Equal(plain.Order(), shuffled.Order());
    }
}
