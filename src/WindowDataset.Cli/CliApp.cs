using System.Text;
using WindowDataset.Cli.Commands;
using WindowDataset.Cli.Parsing;

namespace WindowDataset.Cli;

/// <summary>
/// The windowds tool: dispatches a verb, maps failures to exit codes (1: the input or the work failed; 2: the
/// command line is wrong) with one line on stderr (plus the stack trace with --verbose).
/// </summary>
internal static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    private static readonly ICommand[] s_commands = [new InfoCommand(), new GenCommand(), new TakeCommand(), new ConvertCommand(), new BenchCommand()];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0)
        {
            stderr.WriteLine("windowds: expected a verb (info, gen, take, convert, bench); run 'windowds --help' for usage.");
            return UsageError;
        }

        string verb = args[0];
        if (verb is "--help" or "-h" or "help")
        {
            stdout.Write(GeneralHelp());
            return Success;
        }

        if (verb == "--version")
        {
            stdout.WriteLine(typeof(CliApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            return Success;
        }

        ICommand? command = Array.Find(s_commands, c => c.Name == verb);
        if (command is null)
        {
            stderr.WriteLine($"windowds: unknown verb '{verb}'; expected one of info, gen, take, convert, bench (run 'windowds --help').");
            return UsageError;
        }

        bool verbose = args.Contains("--verbose") || args.Contains("-v");
        var parser = new ArgumentParser(command.Name, command.Options);
        try
        {
            ParsedArguments parsed = parser.Parse(args[1..]);
            if (parsed.Has("--help"))
            {
                stdout.WriteLine($"usage: {command.Usage}");
                stdout.WriteLine();
                stdout.WriteLine(command.Summary);
                stdout.WriteLine();
                stdout.WriteLine("options:");
                stdout.WriteLine(parser.DescribeOptions());
                return Success;
            }

            var context = new CommandContext(stdout, stderr, interactive, parsed.Has("--quiet"));
            return command.Execute(parsed, context, cancellationToken);
        }
        catch (UsageException ex)
        {
            string message = OneLine(ex.Message);
            stderr.WriteLine($"windowds {(message.StartsWith(command.Name + ":", StringComparison.Ordinal) ? string.Empty : command.Name + ": ")}{message}");
            if (verbose)
            {
                stderr.WriteLine(ex.ToString());
            }

            return UsageError;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            stderr.WriteLine($"windowds {command.Name}: {Describe(ex)}");
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

    private static string GeneralHelp()
    {
        var sb = new StringBuilder();
        sb.AppendLine("windowds: make, inspect, convert, take and benchmark window datasets (.npy, raw, HDF5).");
        sb.AppendLine();
        sb.AppendLine("usage:");
        foreach (ICommand c in s_commands)
        {
            sb.AppendLine($"  {c.Usage}");
        }

        sb.AppendLine();
        sb.AppendLine("Run 'windowds <verb> --help' for the options of a verb. Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.");
        return sb.ToString();
    }
}
