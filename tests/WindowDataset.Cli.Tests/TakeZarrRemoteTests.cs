using System.Globalization;
using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>windowds take</c> on a Zarr store by URL (Kestrel over HTTP, s3rver) equals take on the same store read locally.</summary>
[Collection(S3Collection.Name)]
public sealed class TakeZarrRemoteTests(S3rverFixture s3)
{
    [Theory]
    [InlineData("zarr/v2/blosc_zstd.zarr", null)]
    [InlineData("zarr/v3/shard_end.zarr", null)]
    [InlineData("zarr/v2/group.zarr", "grp/x")]
    public void Take_ZarrStoreByHttpUrl_EqualsTakeOnTheLocalStore(string store, string? dataset)
    {
        using var server = new RangeServer();
        Upload(store, (key, data) => server.Put(key, data));
        AssertSameAsLocal(server.Url(store), store, dataset);
    }

    [Theory]
    [InlineData("zarr/v2/fill_none.zarr", null)]
    [InlineData("zarr/v3/group.zarr", "sub/x")]
    public void Take_ZarrStoreByS3Url_EqualsTakeOnTheLocalStore(string store, string? dataset)
    {
        Upload(store, (key, data) => s3.Put("cli/" + key, data));
        AssertSameAsLocal($"s3://{S3rverFixture.Bucket}/cli/{store}", store, dataset, "--endpoint", s3.Endpoint);
    }

    [Fact]
    public void Take_ZarrGroupByHttpUrlWithoutDataset_OneLineErrorAskingForIt()
    {
        using var server = new RangeServer();
        using var dir = new TempDirectory();
        Upload("zarr/v2/group.zarr", (key, data) => server.Put(key, data));
        CliResult result = Tool.Run("take", server.Url("zarr/v2/group.zarr"), "--window", "2", "--count", "3", "--out", dir.File("w.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains($"{server.Url("zarr/v2/group.zarr")}: source.dataset: expected the name of an array of the group", result.Error, StringComparison.Ordinal);
    }

    private static void Upload(string store, Action<string, byte[]> put)
    {
        string root = Tool.Fixture(store);
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            put(store + "/" + Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes(file));
        }
    }

    private static void AssertSameAsLocal(string url, string store, string? dataset, params string[] extra)
    {
        using var dir = new TempDirectory();
        string starts = dir.File("starts.txt");
        File.WriteAllLines(starts, [.. new[] { 6, 0, 3, 2, 5, 1 }.Select(s => s.ToString(CultureInfo.InvariantCulture))]);
        string[] common = ["--window", "3", "--starts", starts, "--batch", "4", "--workers", "2", .. dataset is null ? Array.Empty<string>() : ["--dataset", dataset]];
        CliResult remote = Tool.Run(["take", url, .. common, "--out", dir.File("remote.npy"), .. extra]);
        Assert.True(remote.ExitCode == 0, remote.ToString());
        CliResult local = Tool.Run(["take", Tool.Fixture(store), .. common, "--out", dir.File("local.npy")]);
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Equal(File.ReadAllBytes(dir.File("local.npy")), File.ReadAllBytes(dir.File("remote.npy")));
    }
}
