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
        bool interactive = !Console.IsErrorRedirected;
        return CliApp.Run(args, Console.Out, Console.Error, interactive, cancel.Token);
    }
}
