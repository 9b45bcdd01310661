using System.CommandLine;

namespace WindowDataset.Cli.Commands;

/// <summary>One verb of the tool: its System.CommandLine options, arguments and help, and the work it does.</summary>
internal abstract class VerbCommand : Command
{
    protected VerbCommand(string name, string description, string positionals)
        : base(name, description)
    {
        Positionals = positionals;
    }

    /// <summary>What the positional arguments are, for usage errors ("one output path (&lt;out.npy&gt;)").</summary>
    public string Positionals { get; }

    /// <summary>Runs the verb on a parse result without errors; returns the exit code.</summary>
    public abstract int Execute(ParseResult result, CommandContext context, CancellationToken cancellationToken);
}
