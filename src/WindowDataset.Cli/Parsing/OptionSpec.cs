namespace WindowDataset.Cli.Parsing;

/// <summary>One option a verb accepts: <c>--name value</c> (or <c>--name=value</c>) when it takes a value, else a flag.</summary>
internal sealed record OptionSpec(string Name, string? ValueName, string Help)
{
    public bool TakesValue => ValueName is not null;

    public static OptionSpec Flag(string name, string help) => new(name, null, help);

    public static OptionSpec Value(string name, string valueName, string help) => new(name, valueName, help);
}
