using System.Text.Json;

namespace WindowDataset.Configuration;

/// <summary>
/// A converter whose accepted values the config walk can check before deserializing, so a bad value is reported at
/// its JSON path in our own words and deserialization cannot fail for it.
/// </summary>
internal interface IConfigValueConverter
{
    /// <summary>What a valid value looks like, in words ("a byte count (...)").</summary>
    string Expected { get; }

    /// <summary>Null when <paramref name="value"/> converts; else the problem, "expected X; found Y.".</summary>
    string? Check(JsonElement value);
}
