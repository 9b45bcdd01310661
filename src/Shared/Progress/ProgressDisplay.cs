using Spectre.Console;

namespace WindowDataset.Shared.Progress;

/// <summary>
/// Where progress bars go: a Spectre.Console console (stderr in the tools), or nowhere when the stream is
/// redirected or the user asked for quiet output. One implementation for the windowds tool and the training sample.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly IAnsiConsole? _console;

    public ProgressDisplay(IAnsiConsole? console) => _console = console;

    /// <summary>Draws nothing.</summary>
    public static ProgressDisplay Disabled { get; } = new(null);

    public bool Enabled => _console is not null;

    /// <summary>Bars on the process's stderr when <paramref name="enabled"/> and stderr is a terminal; else <see cref="Disabled"/>.</summary>
    public static ProgressDisplay ForStandardError(bool enabled) =>
        enabled && !Console.IsErrorRedirected ? new(ForWriter(Console.Error)) : Disabled;

    /// <summary>An interactive console over <paramref name="writer"/> (live bars, redrawn in place).</summary>
    public static IAnsiConsole ForWriter(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Interactive = InteractionSupport.Yes,
    });

    /// <summary>Starts one bar labelled <paramref name="label"/>; report fractions in [0, 1]; dispose to erase it.</summary>
    public ProgressScope Start(string label) => _console is null ? ProgressScope.None : new ProgressScope(_console, label);
}
