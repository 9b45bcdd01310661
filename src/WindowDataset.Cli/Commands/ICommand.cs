using WindowDataset.Cli.Parsing;

namespace WindowDataset.Cli.Commands;

/// <summary>One verb of the tool.</summary>
internal interface ICommand
{
    string Name { get; }

    /// <summary>The usage line(s), without the options block.</summary>
    string Usage { get; }

    string Summary { get; }

    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Runs the verb; returns the exit code.</summary>
    int Execute(ParsedArguments args, CommandContext context, CancellationToken cancellationToken);
}
