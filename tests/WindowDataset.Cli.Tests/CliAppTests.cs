using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using System.Reflection;
using Spectre.Console.Testing;
using WindowDataset.Cli.CommandLine;
using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public void Run_NoArguments_ExitsTwo()
    {
        CliResult result = Tool.Run();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("expected a verb", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
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
        Assert.Contains($"windowds {verb}", result.Out, StringComparison.Ordinal);
        Assert.Contains("--quiet", result.Out, StringComparison.Ordinal);
        Assert.Contains("--verbose", result.Out, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Fact]
    public void Run_GenHelp_ListsEveryOptionWithItsValueName()
    {
        CliResult result = Tool.Run("gen", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string option in new[] { "--rows <N>", "--cols <D>", "--dtype <T>", "--seed <S>", "--signal <KIND>", "--help" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_HelpVerb_SameAsVerbHelp()
    {
        Assert.Equal(Tool.Run("bench", "--help").Out, Tool.Run("help", "bench").Out);
    }

    [Fact]
    public void Run_GeneralHelp_ListsVerbs()
    {
        CliResult result = Tool.Run("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string verb in new[] { "info", "gen", "take", "convert", "bench" })
        {
            Assert.Contains($"  {verb} <", result.Out, StringComparison.Ordinal);
        }

        Assert.Contains("--version", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Version_PrintsInformationalVersion()
    {
        string expected = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        CliResult result = Tool.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.Out.Trim());
        Assert.StartsWith("0.", expected, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Theory]
    [InlineData("gen a.npy --rows 5 --rows 6 --cols 2", "gen: option '--rows' given twice; expected it at most once.")]
    [InlineData("gen a.npy --cols 2 --rows", "gen: option '--rows' expects a value (N); found the end of the command line.")]
    [InlineData("gen a.npy b.npy --rows 2 --cols 2", "gen: expected one output path (<out.npy>); found 2 arguments ('a.npy', 'b.npy').")]
    [InlineData("gen --rows 2 --cols 2", "gen: expected one output path (<out.npy>); found none.")]
    [InlineData("gen a.npy --rows 2 --cols 2 --seed -1", "gen: option '--seed': expected an integer >= 0; found '-1'.")]
    [InlineData("info a.npy --json=yes", "info: option '--json' is a flag; expected no value; found 'yes'.")]
    [InlineData("bench a.npy --workers 0", "bench: option '--workers': expected an integer from 1 to 256; found '0'.")]
    [InlineData("bench a.npy --step-ms 1e9", "bench: option '--step-ms': expected a number from 0 to 60000; found '1e9'.")]
    public void Run_UsageError_ExitsTwoWithOneLine(string commandLine, string message)
    {
        CliResult result = Tool.Run(commandLine.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("windowds " + message, Assert.Single(result.ErrorLines));
        Assert.Empty(result.Out);
    }

    [Fact]
    public void Run_DashTokenAsPositional_UnknownOption()
    {
        CliResult result = Tool.Run("take", "-x", "--count", "3", "--out", "o.npy");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("windowds take: unknown option '-x'; expected one of --batch, --config, --count,", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UsageErrorVerbose_AddsNoStackTraceForParseErrors()
    {
        CliResult result = Tool.Run("gen", "a.npy", "--rows", "x", "--cols", "2", "--verbose");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'--rows'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bench a.npy --io ", new[] { "both", "mmap", "pread" })]
    [InlineData("bench a.npy --cache c", new[] { "cold" })]
    [InlineData("gen a.npy --signal ", new[] { "ar", "random" })]
    [InlineData("take a.npy --page-cache d", new[] { "default", "drop" })]
    public void Completions_ChoiceOption_SuggestsItsValues(string commandLine, string[] expected)
    {
        CompletionItem[] items = [.. CliApp.Root.Parse(commandLine).GetCompletions()];

        Assert.Equal(expected, items.Select(i => i.Label).ToArray());
    }

    [Fact]
    public void Completions_OptionPrefix_SuggestsTheVerbsOptions()
    {
        string[] labels = [.. CliApp.Root.Parse("bench a.npy --me").GetCompletions().Select(i => i.Label)];

        Assert.Equal(["--memory-budget"], labels);
    }

    [Fact]
    public void Run_SuggestDirective_PrintsCompletions()
    {
        CliResult result = Tool.Run("[suggest:14]", "bench --cache ");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["both", "cold", "warm"], result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void Run_InteractiveGen_DrawsProgressOnTheConsoleOnly()
    {
        using var dir = new TempDirectory();
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);

        int code = CliApp.Run(["gen", dir.File("p.npy"), "--rows", "200000", "--cols", "4"], stdout, stderr, new ProgressDisplay(console));

        Assert.Equal(0, code);
        Assert.Contains("gen p.npy", console.Output, StringComparison.Ordinal);
        Assert.Contains("100%", console.Output, StringComparison.Ordinal);
        Assert.StartsWith("wrote ", stdout.ToString(), StringComparison.Ordinal);
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public void Run_QuietGen_DrawsNoProgress()
    {
        using var dir = new TempDirectory();
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);

        int code = CliApp.Run(["gen", dir.File("p.npy"), "--rows", "1000", "--cols", "4", "-q"], stdout, stderr, new ProgressDisplay(console));

        Assert.Equal(0, code);
        Assert.Empty(console.Output);
        Assert.Empty(stdout.ToString());
    }

    [Theory]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("8GB", 8_000_000_000L)]
    [InlineData("1024", 1024L)]
    public void ByteSize_Units_Parsed(string text, long expected)
    {
        Option<long?> option = CliOptions.ByteSize("t", "--memory-budget", "SIZE", string.Empty);
        var command = new RootCommand { option };

        ParseResult result = command.Parse(["--memory-budget", text]);

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.GetValue(option));
    }
}
