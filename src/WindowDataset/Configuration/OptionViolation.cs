namespace WindowDataset.Configuration;

/// <summary>
/// A broken option rule: the option's key (its JSON path below the options, <c>source.rowShape[1]</c>), the message
/// ("<c>key: expected X; found Y.</c>"), and whether the value is out of range or an invalid or missing value.
/// </summary>
internal readonly record struct OptionViolation(string Key, string Message, bool OutOfRange)
{
    /// <summary>What <see cref="WindowLoaderOptions.Validate"/> throws.</summary>
    public ArgumentException ToArgumentException() =>
        OutOfRange ? new ArgumentOutOfRangeException(Key, Message) : new ArgumentException(Message, Key);

    /// <summary>What the JSON binder throws: "<c>file: $.loader.key: key: expected X; found Y.</c>".</summary>
    public InvalidDataException ToConfigError(string fileName, string jsonPath) => new($"{fileName}: {jsonPath}.{Key}: {Message}");
}
