using System.Globalization;

namespace WindowDataset.Cli.Parsing;

/// <summary>
/// A small strict parser: positionals and <c>--long</c> options (value as the next argument or after <c>=</c>);
/// unknown options, repeated options, missing values and malformed numbers are <see cref="UsageException"/>s.
/// <c>--</c> ends the options.
/// </summary>
internal sealed class ArgumentParser
{
    /// <summary>Options every verb accepts.</summary>
    public static readonly OptionSpec[] Common =
    [
        OptionSpec.Flag("--quiet", "no progress bars and no summary lines (results and errors only)"),
        OptionSpec.Flag("--verbose", "stack traces with errors"),
        OptionSpec.Flag("--help", "this help"),
    ];

    private readonly string _verb;
    private readonly Dictionary<string, OptionSpec> _specs = new(StringComparer.Ordinal);

    public ArgumentParser(string verb, IEnumerable<OptionSpec> specs)
    {
        _verb = verb;
        foreach (OptionSpec spec in specs.Concat(Common))
        {
            _specs.Add(spec.Name, spec);
        }
    }

    public ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var positionals = new List<string>();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            string name = arg;
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            name = name switch
            {
                "-q" => "--quiet",
                "-v" => "--verbose",
                "-h" => "--help",
                _ => name,
            };
            if (!_specs.TryGetValue(name, out OptionSpec? spec))
            {
                throw new UsageException($"{_verb}: unknown option '{name}'; expected one of {string.Join(", ", _specs.Keys.Order(StringComparer.Ordinal))}.");
            }

            if (values.ContainsKey(name))
            {
                throw new UsageException($"{_verb}: option '{name}' given twice; expected it at most once.");
            }

            if (!spec.TakesValue)
            {
                if (inline is not null)
                {
                    throw new UsageException($"{_verb}: option '{name}' is a flag; expected no value; found '{inline}'.");
                }

                values[name] = null;
                continue;
            }

            if (inline is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{_verb}: option '{name}' expects a value ({spec.ValueName}); found the end of the command line.");
                }

                inline = args[++i];
            }

            values[name] = inline;
        }

        return new ParsedArguments(_verb, positionals, values);
    }

    /// <summary>The options block of a verb's help text.</summary>
    public string DescribeOptions()
    {
        var lines = new List<string>();
        int width = _specs.Values.Max(s => s.Name.Length + (s.ValueName is null ? 0 : s.ValueName.Length + 1));
        foreach (OptionSpec s in _specs.Values)
        {
            string left = s.ValueName is null ? s.Name : $"{s.Name} {s.ValueName}";
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {left.PadRight(width)}  {s.Help}"));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
