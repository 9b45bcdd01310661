using System.Globalization;

namespace WindowDataset.Cli.Parsing;

/// <summary>The result of <see cref="ArgumentParser.Parse"/>, with typed accessors that fail with a <see cref="UsageException"/> naming the option.</summary>
internal sealed class ParsedArguments
{
    private readonly string _verb;
    private readonly Dictionary<string, string?> _values;

    public ParsedArguments(string verb, IReadOnlyList<string> positionals, Dictionary<string, string?> values)
    {
        _verb = verb;
        Positionals = positionals;
        _values = values;
    }

    public IReadOnlyList<string> Positionals { get; }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? GetString(string name) => _values.TryGetValue(name, out string? value) ? value : null;

    public string RequireString(string name) => GetString(name) ?? throw Missing(name);

    public long? GetLong(string name, long minimum = long.MinValue, long maximum = long.MaxValue)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < minimum || value > maximum)
        {
            throw new UsageException($"{_verb}: option '{name}': expected an integer {Range(minimum, maximum)}; found '{text}'.");
        }

        return value;
    }

    public int? GetInt(string name, int minimum = int.MinValue, int maximum = int.MaxValue) => (int?)GetLong(name, minimum, maximum);

    public ulong? GetULong(string name)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new UsageException($"{_verb}: option '{name}': expected an integer >= 0; found '{text}'.");
    }

    public double? GetDouble(string name, double minimum, double maximum)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= minimum && value <= maximum))
        {
            throw new UsageException($"{_verb}: option '{name}': expected a number from {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}; found '{text}'.");
        }

        return value;
    }

    /// <summary>A byte count: <c>1073741824</c>, <c>512MiB</c>, <c>2GiB</c>, <c>8GB</c>.</summary>
    public long? GetByteSize(string name)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return null;
        }

        return WindowDataset.Configuration.ByteSize.TryParse(text, out long bytes) && bytes > 0
            ? bytes
            : throw new UsageException($"{_verb}: option '{name}': expected a positive byte count such as 1073741824, 512MiB or 2GiB; found '{text}'.");
    }

    public ElementType? GetElementType(string name) => GetElementType(name, out _);

    public ElementType? GetElementType(string name, out bool bigEndian)
    {
        bigEndian = false;
        string? text = GetString(name);
        if (text is null)
        {
            return null;
        }

        return ElementTypeInfo.TryParse(text, out ElementType type, out bigEndian)
            ? type
            : throw new UsageException($"{_verb}: option '{name}': expected an element type (float64, float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool or a numpy code such as <f8, >i4); found '{text}'.");
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive), returned in lower case.</summary>
    public string? GetChoice(string name, params string[] allowed)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return null;
        }

        string lower = text.ToLowerInvariant();
        return Array.IndexOf(allowed, lower) >= 0
            ? lower
            : throw new UsageException($"{_verb}: option '{name}': expected {string.Join(", ", allowed[..^1])} or {allowed[^1]}; found '{text}'.");
    }

    public UsageException Missing(string name) => new($"{_verb}: option '{name}' is required.");

    public UsageException Conflict(string first, string second) => new($"{_verb}: options '{first}' and '{second}' exclude each other; expected at most one.");

    public void RequirePositionals(int minimum, int maximum, string what)
    {
        if (Positionals.Count < minimum)
        {
            throw new UsageException($"{_verb}: expected {what}; found none.");
        }

        if (Positionals.Count > maximum)
        {
            throw new UsageException($"{_verb}: expected {what}; found {Positionals.Count} arguments ('{string.Join("', '", Positionals)}').");
        }
    }

    private static string Range(long minimum, long maximum) =>
        (minimum, maximum) switch
        {
            (long.MinValue, long.MaxValue) => string.Empty,
            (_, long.MaxValue) => $">= {minimum}",
            (long.MinValue, _) => $"<= {maximum}",
            _ => $"from {minimum} to {maximum}",
        };
}
