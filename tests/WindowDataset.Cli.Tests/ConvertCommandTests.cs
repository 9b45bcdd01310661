using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

public sealed class ConvertCommandTests
{
    public static TheoryData<string> Datasets()
    {
        var data = new TheoryData<string>();
        foreach (var p in Tool.Expected().GetProperty("convert").EnumerateObject())
        {
            data.Add(p.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Convert_Hdf5Dataset_EqualsNumpy(string dataset)
    {
        using var dir = new TempDirectory();
        string output = dir.File("out.npy");
        string expectedFile = Tool.Expected().GetProperty("convert").GetProperty(dataset).GetProperty("expected").GetString()!;

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-data.h5"), "--dataset", "/" + dataset, "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        NpyData expected = NpyData.Read(Tool.Fixture(expectedFile));
        NpyData actual = NpyData.Read(output);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
    }

    [Fact]
    public void Convert_DatasetWithoutLeadingSlash_Works()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-data.h5"), "--dataset", "group/chunked_f4", "--out", dir.File("o.npy"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(NpyData.Read(Tool.Fixture("cli-h5-group-chunked_f4.npy")).Data, NpyData.Read(dir.File("o.npy")).Data);
    }

    [Fact]
    public void Convert_WrongDatasetPath_ExitsOneListingDatasets()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-data.h5"), "--dataset", "/nope", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains("'/nope' not found", line, StringComparison.Ordinal);
        Assert.Contains("/group/chunked_f4", line, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("o.npy")));
    }

    [Fact]
    public void Convert_GroupPath_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-data.h5"), "--dataset", "/group", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is a group", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/strings", "unsupported HDF5 type")]
    [InlineData("/scalar", "at least one dimension")]
    public void Convert_UnsupportedDataset_ExitsOne(string dataset, string message)
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-data.h5"), "--dataset", dataset, "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("o.npy")));
    }

    [Fact]
    public void Convert_NotHdf5_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-source.npy"), "--dataset", "/x", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HDF5", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_MissingInput_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", dir.File("none.h5"), "--dataset", "/x", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("none.h5", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_Hdf5WithoutDataset_ExitsTwo()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-data.h5"), "--out", dir.File("o.npy"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dataset", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_RawBigEndian_EqualsNumpy()
    {
        using var dir = new TempDirectory();
        string output = dir.File("o.npy");

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-raw-be-i4x4.raw"), "--dtype", ">i4", "--cols", "4", "--out", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        NpyData expected = NpyData.Read(Tool.Fixture("cli-raw-expected.npy"));
        NpyData actual = NpyData.Read(output);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
    }

    [Fact]
    public void Convert_RawSizeNotMultipleOfRow_ExitsOne()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-raw-be-i4x4.raw"), "--dtype", ">i4", "--cols", "5", "--out", dir.File("o.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("multiple of 20 bytes", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_RawBadDtype_ExitsTwo()
    {
        using var dir = new TempDirectory();

        CliResult result = Tool.Run("convert", Tool.Fixture("cli-raw-be-i4x4.raw"), "--dtype", "int33", "--out", dir.File("o.npy"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dtype", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }
}
