using System.CommandLine;
using System.CommandLine.Invocation;
using WindowDataset.Cli.CommandLine;
using WindowDataset.Cli.Commands;
using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli;

/// <summary>
/// The windowds tool: parses with System.CommandLine (help, <c>--version</c>, completions through its
/// <c>[suggest]</c> directive), runs the verb, and maps failures to exit codes (1: the input or the work failed;
/// 2: the command line is wrong) with one line on stderr (plus the stack trace with --verbose).
/// </summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>The command tree; read-only once built, so one instance serves every run.</summary>
    internal static RootCommand Root { get; } = BuildRoot();

    /// <summary>Runs the tool without progress bars (as when stderr is redirected).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        Run(args, stdout, stderr, ProgressDisplay.Disabled, cancellationToken);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, ProgressDisplay progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(progress);

        // "windowds help [verb]" reads as the --help of the verb, as it did before System.CommandLine.
        if (args is ["help", .. string[] rest])
        {
            args = [.. rest, "--help"];
        }

        ParseResult result = Root.Parse(args);
        bool verbose = result.GetValue(CliOptions.Verbose);
        // Help, --version and the [suggest] completion directive are System.CommandLine's own actions; verbs have none.
        if (result.Action is not null and not ParseErrorAction)
        {
            return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }

        string? usage = UsageErrors.Describe(result, args);
        if (usage is not null || result.CommandResult.Command is not VerbCommand verb)
        {
            stderr.WriteLine($"windowds {usage}");
            return UsageError;
        }

        try
        {
            var context = new CommandContext(stdout, stderr, progress, result.GetValue(CliOptions.Quiet));
            return verb.Execute(result, context, cancellationToken);
        }
        catch (UsageException ex)
        {
            string message = OneLine(ex.Message);
            stderr.WriteLine($"windowds {(message.StartsWith(verb.Name + ":", StringComparison.Ordinal) ? string.Empty : verb.Name + ": ")}{message}");
            if (verbose)
            {
                stderr.WriteLine(ex.ToString());
            }

            return UsageError;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"windowds {verb.Name}: {Describe(ex)}");
            if (verbose)
            {
                stderr.WriteLine(ex.ToString());
            }
            else if (ex is NullReferenceException or IndexOutOfRangeException or InvalidCastException)
            {
                stderr.WriteLine("windowds: this looks like a bug; run again with --verbose for the stack trace.");
            }

            return Failure;
        }
    }

    /// <summary>The message of an exception as one line, without the "(Parameter 'x')" suffix of argument exceptions.</summary>
    internal static string Describe(Exception ex)
    {
        string message = ex.Message;
        if (ex is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            int at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message.Remove(at, suffix.Length);
            }

            int actual = message.IndexOf(Environment.NewLine + "Actual value was", StringComparison.Ordinal);
            if (actual >= 0)
            {
                message = message[..actual];
            }
        }

        if (ex is OperationCanceledException)
        {
            message = "cancelled.";
        }

        message = OneLine(message);
        return ex is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException or IOException or FormatException or UsageException or OperationCanceledException
            ? message
            : $"{ex.GetType().Name}: {message}";
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static RootCommand BuildRoot()
    {
        var root = new RootCommand("windowds: make, inspect, convert, take and benchmark window datasets (.npy, raw, HDF5). Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.");
        root.HelpName = "windowds";
        root.Add(CliOptions.Quiet);
        root.Add(CliOptions.Verbose);
        foreach (Option option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new VersionAction();
            }
        }

        root.Add(new InfoCommand());
        root.Add(new GenCommand());
        root.Add(new TakeCommand());
        root.Add(new ConvertCommand());
        root.Add(new BenchCommand());
        root.Add(new StatsCommand());
        return root;
    }
}
