using WindowDataset.Cli.Parsing;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public void Run_NoArguments_ExitsTwo()
    {
        CliResult result = Tool.Run();

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.ErrorLines);
    }

    [Fact]
    public void Run_UnknownVerb_ExitsTwo()
    {
        CliResult result = Tool.Run("shuffle");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown verb 'shuffle'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("info")]
    [InlineData("gen")]
    [InlineData("take")]
    [InlineData("convert")]
    [InlineData("bench")]
    public void Run_VerbHelp_PrintsUsageAndExitsZero(string verb)
    {
        CliResult result = Tool.Run(verb, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"usage: windowds {verb}", result.Out, StringComparison.Ordinal);
        Assert.Contains("--quiet", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_GeneralHelp_ListsVerbs()
    {
        CliResult result = Tool.Run("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string verb in new[] { "info", "gen", "take", "convert", "bench" })
        {
            Assert.Contains($"windowds {verb}", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_InlineAndSeparateValues_Accepted()
    {
        var parser = new ArgumentParser("t", [OptionSpec.Value("--rows", "N", ""), OptionSpec.Flag("--json", "")]);

        ParsedArguments args = parser.Parse(["a", "--rows=5", "--json", "--", "--b"]);

        Assert.Equal(5, args.GetLong("--rows"));
        Assert.True(args.Has("--json"));
        Assert.Equal(["a", "--b"], args.Positionals);
    }

    [Theory]
    [InlineData("--rows")]
    [InlineData("--rows", "1", "--rows", "2")]
    [InlineData("--json=yes")]
    [InlineData("--other")]
    public void Parse_Malformed_ThrowsUsage(params string[] argv)
    {
        var parser = new ArgumentParser("t", [OptionSpec.Value("--rows", "N", ""), OptionSpec.Flag("--json", "")]);

        Assert.Throws<UsageException>(() => parser.Parse(argv));
    }

    [Theory]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("8GB", 8_000_000_000L)]
    [InlineData("1024", 1024L)]
    public void GetByteSize_Units_Parsed(string text, long expected)
    {
        var parser = new ArgumentParser("t", [OptionSpec.Value("--memory-budget", "SIZE", "")]);

        Assert.Equal(expected, parser.Parse(["--memory-budget", text]).GetByteSize("--memory-budget"));
    }
}
