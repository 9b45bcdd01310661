using System.Text.Json;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

public sealed class InfoCommandTests
{
    [Fact]
    public void Info_NpyJson_MatchesNumpyHeaderFacts()
    {
        JsonElement expected = Tool.Expected().GetProperty("info").GetProperty("source");

        CliResult result = Tool.Run("info", Tool.Fixture("cli-source.npy"), "--window", "5", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Out);
        JsonElement o = doc.RootElement;
        Assert.Equal("float64", o.GetProperty("dtype").GetString());
        Assert.Equal(expected.GetProperty("descr").GetString(), o.GetProperty("descr").GetString());
        Assert.Equal(Longs(expected.GetProperty("shape")), Longs(o.GetProperty("shape")));
        Assert.Equal(expected.GetProperty("row_bytes").GetInt64(), o.GetProperty("row_bytes").GetInt64());
        Assert.Equal(expected.GetProperty("data_offset").GetInt64(), o.GetProperty("data_offset").GetInt64());
        Assert.Equal(expected.GetProperty("file_bytes").GetInt64(), o.GetProperty("file_bytes").GetInt64());
        Assert.Equal(expected.GetProperty("valid_starts_w5").GetInt64(), o.GetProperty("valid_starts").GetInt64());
        Assert.Equal(1, o.GetProperty("shards").GetArrayLength());
    }

    [Fact]
    public void Info_ShardsJson_ListsEveryShard()
    {
        JsonElement expected = Tool.Expected().GetProperty("info").GetProperty("shards");

        CliResult result = Tool.Run("info", Tool.Fixture("cli-part-0.npy"), Tool.Fixture("cli-part-1.npy"), "--window", "4", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Out);
        JsonElement o = doc.RootElement;
        Assert.Equal("float32", o.GetProperty("dtype").GetString());
        Assert.Equal(Longs(expected.GetProperty("shape")), Longs(o.GetProperty("shape")));
        Assert.Equal(expected.GetProperty("valid_starts_w4").GetInt64(), o.GetProperty("valid_starts").GetInt64());
        JsonElement[] shards = [.. o.GetProperty("shards").EnumerateArray()];
        Assert.Equal(Longs(expected.GetProperty("rows")), shards.Select(s => s.GetProperty("rows").GetInt64()).ToArray());
        Assert.Equal(Longs(expected.GetProperty("first_rows")), shards.Select(s => s.GetProperty("first_row").GetInt64()).ToArray());
        Assert.Equal(Longs(expected.GetProperty("data_offsets")), shards.Select(s => s.GetProperty("data_offset").GetInt64()).ToArray());
        Assert.EndsWith("cli-part-1.npy", shards[1].GetProperty("path").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Info_Human_PrintsShapeAndStarts()
    {
        CliResult result = Tool.Run("info", Tool.Fixture("cli-source.npy"), "--window", "5");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(40, 3)", result.Out, StringComparison.Ordinal);
        Assert.Contains("window starts (W=5):  36", result.Out, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Fact]
    public void Info_RawWithDtype_DescribesRows()
    {
        CliResult result = Tool.Run("info", Tool.Fixture("cli-raw-be-i4x4.raw"), "--dtype", ">i4", "--cols", "4", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Out);
        Assert.Equal(">i4", doc.RootElement.GetProperty("descr").GetString());
        Assert.Equal([7L, 4L], Longs(doc.RootElement.GetProperty("shape")));
    }

    [Fact]
    public void Info_MissingFile_ExitsOneWithOneLine()
    {
        CliResult result = Tool.Run("info", "/nonexistent/a.npy");

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains("/nonexistent/a.npy", line, StringComparison.Ordinal);
        Assert.Contains("not found", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_UnknownOption_ExitsTwo()
    {
        CliResult result = Tool.Run("info", Tool.Fixture("cli-source.npy"), "--windwo", "5");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown option '--windwo'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Info_NotAnNpy_ExitsOneNamingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.npy");
        File.WriteAllText(path, "this is not numpy");

        CliResult result = Tool.Run("info", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.npy", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Info_Verbose_AddsStackTrace()
    {
        CliResult result = Tool.Run("info", "/nonexistent/a.npy", "--verbose");

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.ErrorLines.Length > 1);
        Assert.Contains("   at ", result.Error, StringComparison.Ordinal);
    }

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt64())];
}
