using WindowDataset.Cli.Output;

namespace WindowDataset.Cli.Commands;

/// <summary>Where a verb writes: results on <see cref="Out"/>, progress, warnings and errors on <see cref="Error"/>.</summary>
internal sealed class CommandContext
{
    public CommandContext(TextWriter output, TextWriter error, bool interactive, bool quiet)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        Quiet = quiet;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True when the error stream is a terminal (progress bars are drawn).</summary>
    public bool Interactive { get; }

    public bool Quiet { get; }

    public ProgressBar Progress(string label) => new(Interactive && !Quiet ? Error : null, label);

    public void Summary(string line)
    {
        if (!Quiet)
        {
            Out.WriteLine(line);
        }
    }

    public void Warn(string line) => Error.WriteLine("windowds: warning: " + line);
}
