using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli.Commands;

/// <summary>Where a verb writes: results on <see cref="Out"/>, progress, warnings and errors on <see cref="Error"/>.</summary>
internal sealed class CommandContext
{
    private readonly ProgressDisplay _progress;

    public CommandContext(TextWriter output, TextWriter error, ProgressDisplay progress, bool quiet)
    {
        Out = output;
        Error = error;
        Quiet = quiet;
        _progress = quiet ? ProgressDisplay.Disabled : progress;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Quiet { get; }

    /// <summary>A progress bar (drawn only on an interactive error stream, and never with --quiet).</summary>
    public ProgressScope Progress(string label) => _progress.Start(label);

    public void Summary(string line)
    {
        if (!Quiet)
        {
            Out.WriteLine(line);
        }
    }

    public void Warn(string line) => Error.WriteLine("windowds: warning: " + line);
}
