using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli;

/// <summary>Entry point of the windowds tool.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return CliApp.Run(args, Console.Out, Console.Error, ProgressDisplay.ForStandardError(enabled: true), cancel.Token);
    }
}
