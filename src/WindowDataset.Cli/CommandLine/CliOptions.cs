using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace WindowDataset.Cli.CommandLine;

/// <summary>
/// Typed System.CommandLine options whose parse errors read like the rest of the tool
/// ("<c>gen: option '--rows': expected an integer >= 1; found 'lots'.</c>"), and whose choices complete on Tab.
/// </summary>
internal static class CliOptions
{
    private const string ElementTypes = "float64, float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool or a numpy code such as <f8, >i4";

    /// <summary><c>--quiet</c>, on every verb.</summary>
    public static Option<bool> Quiet { get; } = Flag("--quiet", "no progress bars and no summary lines (results and errors only)", "-q", recursive: true);

    /// <summary><c>--verbose</c>, on every verb.</summary>
    public static Option<bool> Verbose { get; } = Flag("--verbose", "stack traces with errors", "-v", recursive: true);

    public static Option<bool> Flag(string name, string description, string? alias = null, bool recursive = false) =>
        new(name, alias is null ? [] : [alias]) { Description = description, Arity = ArgumentArity.Zero, Recursive = recursive };

    public static Option<string?> Text(string name, string valueName, string description, bool required = false) =>
        new(name) { Description = description, HelpName = valueName, Required = required };

    public static Option<long?> Long(string verb, string name, string valueName, string description, long minimum = long.MinValue, long maximum = long.MaxValue, bool required = false) =>
        Integer(verb, name, valueName, description, minimum, maximum, required);

    public static Option<int?> Int(string verb, string name, string valueName, string description, int minimum = int.MinValue, int maximum = int.MaxValue, bool required = false) =>
        Integer(verb, name, valueName, description, minimum, maximum, required);

    public static Option<ulong?> ULong(string verb, string name, string valueName, string description) =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result => Parse(result, verb, name, "an integer >= 0", static (string text, out ulong value) => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)),
        };

    public static Option<double?> Double(string verb, string name, string valueName, string description, double minimum, double maximum) =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= minimum && value <= maximum)
                {
                    return value;
                }

                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{verb}: option '{name}': expected a number from {minimum} to {maximum}; found '{text}'."));
                return null;
            },
        };

    /// <summary>A byte count: <c>1073741824</c>, <c>512MiB</c>, <c>2GiB</c>, <c>8GB</c>.</summary>
    public static Option<long?> ByteSize(string verb, string name, string valueName, string description) =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result => Parse(result, verb, name, "a positive byte count such as 1073741824, 512MiB or 2GiB", static (string text, out long value) => WindowDataset.Configuration.ByteSize.TryParse(text, out value) && value > 0),
        };

    public static Option<ElementTypeValue?> ElementType(string verb, string name, string valueName, string description)
    {
        var option = new Option<ElementTypeValue?>(name)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                if (ElementTypeInfo.TryParse(text, out ElementType type, out bool bigEndian))
                {
                    return new ElementTypeValue(text, type, bigEndian);
                }

                result.AddError($"{verb}: option '{name}': expected an element type ({ElementTypes}); found '{text}'.");
                return null;
            },
        };
        option.CompletionSources.Add("float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "bool");
        return option;
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive), returned in lower case; the choices complete on Tab.</summary>
    public static Option<string?> Choice(string verb, string name, string valueName, string description, params string[] allowed)
    {
        var option = new Option<string?>(name)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                string lower = text.ToLowerInvariant();
                if (Array.IndexOf(allowed, lower) >= 0)
                {
                    return lower;
                }

                result.AddError($"{verb}: option '{name}': expected {string.Join(", ", allowed[..^1])} or {allowed[^1]}; found '{text}'.");
                return null;
            },
        };
        option.CompletionSources.Add(allowed);
        return option;
    }

    private static T? Parse<T>(ArgumentResult result, string verb, string name, string expected, TryParse<T> tryParse)
        where T : struct
    {
        string text = result.Tokens[0].Value;
        if (tryParse(text, out T value))
        {
            return value;
        }

        result.AddError($"{verb}: option '{name}': expected {expected}; found '{text}'.");
        return null;
    }

    private static Option<T?> Integer<T>(string verb, string name, string valueName, string description, T minimum, T maximum, bool required)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            Required = required,
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out T value) && value >= minimum && value <= maximum)
                {
                    return value;
                }

                // The type's own limits are not worth printing: "an integer", not "an integer from -2147483648".
                long low = minimum == T.MinValue ? long.MinValue : long.CreateTruncating(minimum);
                long high = maximum == T.MaxValue ? long.MaxValue : long.CreateTruncating(maximum);
                result.AddError($"{verb}: option '{name}': expected an integer{Range(low, high)}; found '{text}'.");
                return null;
            },
        };

    private static string Range(long minimum, long maximum) =>
        (minimum, maximum) switch
        {
            (long.MinValue, long.MaxValue) => string.Empty,
            (_, long.MaxValue) => $" >= {minimum}",
            (long.MinValue, _) => $" <= {maximum}",
            _ => $" from {minimum} to {maximum}",
        };

    private delegate bool TryParse<T>(string text, out T value);
}
