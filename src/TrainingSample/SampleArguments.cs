using System.CommandLine;
using System.CommandLine.Invocation;
using System.Globalization;

namespace TrainingSample;

/// <summary>The command line, parsed with System.CommandLine: <c>--config FILE [--json] [--epochs N] [--workers N|auto] [--quiet] [--generate] [--verbose]</c>.</summary>
internal sealed class SampleArguments
{
    public const string Usage = "usage: dotnet run --project src/TrainingSample -- --config FILE [--json] [--epochs N] [--workers N|auto] [--quiet] [--generate] [--verbose]";

    private static readonly Option<string?> s_config = new("--config", "-c") { Description = "the sample's JSON config (dataset, loader, training sections)", HelpName = "FILE" };
    private static readonly Option<bool> s_json = new("--json") { Description = "the last line is one JSON summary", Arity = ArgumentArity.Zero };
    private static readonly Option<bool> s_quiet = new("--quiet", "-q") { Description = "no progress bars and no per-epoch lines", Arity = ArgumentArity.Zero };
    private static readonly Option<bool> s_verbose = new("--verbose") { Description = "stack traces with errors", Arity = ArgumentArity.Zero };
    private static readonly Option<bool> s_generate = new("--generate") { Description = "create the dataset even when the config says not to", Arity = ArgumentArity.Zero };
    private static readonly Option<int?> s_epochs = new("--epochs")
    {
        Description = "epochs to train (default: the config's)",
        HelpName = "N",
        CustomParser = result =>
        {
            string text = result.Tokens[0].Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int epochs) && epochs >= 1)
            {
                return epochs;
            }

            result.AddError($"--epochs: expected a whole number >= 1; found '{text}'.");
            return null;
        },
    };

    private static readonly Option<WindowDataset.WorkerCount?> s_workers = new("--workers")
    {
        Description = "loader workers, a count or auto (default: the config's loader.workers)",
        HelpName = "N|auto",
        CustomParser = result =>
        {
            string text = result.Tokens[0].Value;
            if (WindowDataset.WorkerCount.TryParse(text, out WindowDataset.WorkerCount workers) && workers.Count is null or (>= 1 and <= 256))
            {
                return workers;
            }

            result.AddError($"--workers: expected a count 1..256 or auto; found '{text}'.");
            return null;
        },
    };

    private static readonly RootCommand s_root = new("The WindowDataset training sample: trains a TorchSharp forecaster (or an ML.NET regressor) on windows of a .npy.")
    {
        s_config, s_json, s_epochs, s_workers, s_quiet, s_generate, s_verbose,
    };

    private SampleArguments(ParseResult result)
    {
        Result = result;
        ConfigPath = result.GetValue(s_config) ?? string.Empty;
        Json = result.GetValue(s_json);
        Quiet = result.GetValue(s_quiet);
        Verbose = result.GetValue(s_verbose);
        Generate = result.GetValue(s_generate);
        Epochs = result.GetValue(s_epochs);
        Workers = result.GetValue(s_workers);
    }

    public string ConfigPath { get; }

    public bool Json { get; }

    public bool Quiet { get; }

    public bool Verbose { get; }

    /// <summary>Create the dataset even when the config says not to (for the large seed-32gb problem).</summary>
    public bool Generate { get; }

    public int? Epochs { get; }

    /// <summary>Overrides <c>loader.workers</c> (for comparing fixed counts with <c>auto</c> on the same config).</summary>
    public WindowDataset.WorkerCount? Workers { get; }

    /// <summary>True when the command line asked for System.CommandLine's help (or version); <see cref="WriteHelp"/> prints it.</summary>
    public bool Help => Result.Action is not null and not ParseErrorAction;

    private ParseResult Result { get; }

    /// <exception cref="ArgumentException">Unknown option, missing value or bad number.</exception>
    public static SampleArguments Parse(string[] args)
    {
        ParseResult result = s_root.Parse(args);
        var arguments = new SampleArguments(result);
        if (arguments.Help)
        {
            return arguments;
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            throw new ArgumentException($"unknown argument '{result.UnmatchedTokens[0]}'. {Usage}");
        }

        if (result.Errors.Count > 0)
        {
            throw new ArgumentException(result.Errors[0].Message);
        }

        if (arguments.ConfigPath.Length == 0)
        {
            throw new ArgumentException($"--config: expected a config file; found none. {Usage}");
        }

        return arguments;
    }

    /// <summary>Runs the help (or version) action on <paramref name="output"/>.</summary>
    public int WriteHelp(TextWriter output) => Result.Invoke(new InvocationConfiguration { Output = output, EnableDefaultExceptionHandler = false });
}
