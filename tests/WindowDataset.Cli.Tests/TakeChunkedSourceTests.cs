using System.Globalization;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>windowds take</c> on HDF5 datasets and Zarr arrays gives exactly the slices h5py / zarr-python read (their .npy copies).</summary>
public sealed class TakeChunkedSourceTests
{
    [Theory]
    [InlineData("hdf5/chunked.h5", "/both_axes", "hdf5/chunked__both_axes.npy")]
    [InlineData("hdf5/chunked.h5", "/lzf", "hdf5/chunked__lzf.npy")]
    [InlineData("hdf5/latest.h5", "/btree2_gzip", "hdf5/latest__btree2_gzip.npy")]
    [InlineData("hdf5/latest.h5", "/extensible_gzip", "hdf5/latest__extensible_gzip.npy")]
    [InlineData("hdf5/nested.h5", "/grp/sub/x", "hdf5/nested__grp_sub_x.npy")]
    [InlineData("hdf5/types.h5", "/compact", "hdf5/types__compact.npy")]
    [InlineData("zarr/v2/default.zarr", null, "zarr/v2/default.npy")]
    [InlineData("zarr/v3/shard_end.zarr", null, "zarr/v3/shard_end.npy")]
    public void Take_StartsFileOnAChunkedSource_EqualsTheLibrarysSlices(string source, string? dataset, string expectedFile)
    {
        using var dir = new TempDirectory();
        NpyData expected = NpyData.Read(Tool.Fixture(expectedFile));
        const int Window = 4;
        long rows = expected.Shape[0];
        long rowBytes = expected.Data.Length / rows;
        long[] starts = [.. Enumerable.Range(0, (int)((rows - Window) / 3) + 1).Select(i => (long)i * 3).Reverse()];
        string startsFile = dir.File("starts.txt");
        File.WriteAllLines(startsFile, starts.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        string output = dir.File("w.npy");
        List<string> args = ["take", Tool.Fixture(source), "--window", Window.ToString(CultureInfo.InvariantCulture), "--starts", startsFile, "--out", output, "--batch", "5", "--workers", "2"];
        if (dataset is not null)
        {
            args.AddRange(["--dataset", dataset]);
        }

        CliResult result = Tool.Run([.. args]);

        Assert.True(result.ExitCode == 0, result.ToString());
        NpyData actual = NpyData.Read(output);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal([starts.Length, Window, .. expected.Shape.Skip(1)], actual.Shape);
        for (int k = 0; k < starts.Length; k++)
        {
            ReadOnlySpan<byte> want = expected.Data.AsSpan((int)(starts[k] * rowBytes), (int)(Window * rowBytes));
            Assert.True(want.SequenceEqual(actual.Data.AsSpan((int)(k * Window * rowBytes), (int)(Window * rowBytes))), $"window {k} (start {starts[k]})");
        }
    }

    [Fact]
    public void Info_ChunkedHdf5_ShowsTheLayout()
    {
        CliResult result = Tool.Run("info", Tool.Fixture("hdf5/gzip_shuffle.h5"), "--dataset", "/data");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("hdf5 chunked (64, 6)", result.Out);
    }

    [Fact]
    public void Take_Hdf5WithSeveralDatasetsAndNoDataset_OneLineErrorListingThem()
    {
        using var dir = new TempDirectory();
        CliResult result = Tool.Run("take", Tool.Fixture("hdf5/chunked.h5"), "--window", "4", "--count", "3", "--out", dir.File("w.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("chunked.h5: source.dataset: expected one of", result.Error);
        Assert.Single(result.ErrorLines);
    }
}
