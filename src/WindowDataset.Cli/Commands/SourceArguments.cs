using System.CommandLine;
using WindowDataset.Cli.CommandLine;

namespace WindowDataset.Cli.Commands;

/// <summary>The array of a verb that reads one from the command line: its paths, and for raw files <c>--dtype</c> and <c>--cols</c>, <c>--dataset</c>, <c>--endpoint</c>.</summary>
internal sealed class SourceArguments
{
    private readonly string _verb;
    private readonly Argument<string[]> _paths = new("path") { Description = "one file, or the shards of one array in order", Arity = ArgumentArity.OneOrMore };
    private readonly Option<ElementTypeValue?> _dtype;
    private readonly Option<int?> _cols;
    private readonly Option<string?> _dataset = CliOptions.Text("--dataset", "NAME", LoaderOptionSet.DatasetHelp);
    private readonly Option<string?> _endpoint = CliOptions.Text("--endpoint", "URL", LoaderOptionSet.EndpointHelp);

    public SourceArguments(string verb)
    {
        _verb = verb;
        _dtype = CliOptions.ElementType(verb, "--dtype", "D", "raw files only: element type (float64, <f8, >i4...)");
        _cols = CliOptions.Int(verb, "--cols", "C", "raw files only: elements per row (default 1)", minimum: 1);
    }

    /// <summary>Adds the path argument first and the options after <paramref name="between"/> (the verb's own options), in help order.</summary>
    public void AddTo(Command command, params Option[] between)
    {
        command.Add(_paths);
        foreach (Option option in between)
        {
            command.Add(option);
        }

        command.Add(_dtype);
        command.Add(_cols);
        command.Add(_dataset);
        command.Add(_endpoint);
    }

    /// <summary>The source the command line names; every local path must exist.</summary>
    /// <exception cref="UsageException"><c>--cols</c> without <c>--dtype</c>.</exception>
    public SourceOptions Bind(ParseResult result)
    {
        string[] paths = result.GetRequiredValue(_paths);
        SourceOptions source = SourceOptions.FromPaths(paths);
        source.Dataset = result.GetValue(_dataset);
        source.Endpoint = result.GetValue(_endpoint);
        int? cols = result.GetValue(_cols);
        if (result.GetValue(_dtype) is { } raw)
        {
            source.DType = raw.Text;
            source.RowShape = [cols ?? 1];
        }
        else if (cols is not null)
        {
            throw new UsageException($"{_verb}: option '--cols' needs '--dtype' (raw files); found --cols alone.");
        }

        foreach (string path in paths)
        {
            InfoCommand.RequireSource(path);
        }

        return source;
    }
}
