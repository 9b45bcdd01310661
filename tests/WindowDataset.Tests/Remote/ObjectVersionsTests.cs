using WindowDataset.Remote;

namespace WindowDataset.Tests.Remote;

public sealed class ObjectVersionsTests
{
    private const string Url = "http://127.0.0.1:1/a.zarr/c/0/0";

    [Fact]
    public void Check_FirstReadThenSameETag_PinsAndPasses()
    {
        var versions = new ObjectVersions();
        Assert.Null(versions.Check(Url, "\"v1\""));
        Assert.Null(versions.Check(Url, "\"v1\""));
        Assert.Equal("\"v1\"", versions.Pinned(Url));
    }

    [Fact]
    public void Check_AnotherETag_ReturnsThePinnedOne()
    {
        var versions = new ObjectVersions();
        _ = versions.Check(Url, "\"v1\"");
        Assert.Equal("\"v1\"", versions.Check(Url, "\"v2\""));
    }

    [Fact]
    public void Check_PinnedThenServedWithoutETag_CountsAsChanged()
    {
        var versions = new ObjectVersions();
        _ = versions.Check(Url, "\"v1\"");
        Assert.Equal("\"v1\"", versions.Check(Url, null));
    }

    [Fact]
    public void Check_NeverServedWithAnETag_NothingPinned()
    {
        var versions = new ObjectVersions();
        Assert.Null(versions.Check(Url, null));
        Assert.Null(versions.Check(Url, null));
        Assert.Null(versions.Pinned(Url));
    }
}
