using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WindowDataset.Configuration;

/// <summary>
/// Reads application config files the way the loader reads its own: JSON with comments and trailing commas, strict
/// binding (unknown keys and wrong types are errors), and every error naming the file and the key's JSON path.
/// </summary>
public static class ConfigFile
{
    /// <summary>Parses a JSON config file (comments and trailing commas allowed).</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or blank.</exception>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened for reading; the message names it.</exception>
    /// <exception cref="IOException">The file cannot be read; the message names it.</exception>
    /// <exception cref="InvalidDataException">The file is not UTF-8 JSON; the message names the file, line and byte.</exception>
    public static JsonDocument Parse(string path) => ConfigBinder.ParseFile(path);

    /// <summary>
    /// Binds a section of a config file to <typeparamref name="T"/> through <paramref name="typeInfo"/> (from an
    /// application's source-generated <c>JsonSerializerContext</c>), as strictly as the loader binds its options,
    /// whatever the context's options: before deserializing, the section is checked against the metadata, so unknown
    /// or repeated keys, missing required keys, null for a value type or a non-nullable object, strings for numbers,
    /// numbers that do not fit and other wrong value kinds are refused. Keys match the metadata's names exactly.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The section does not bind; the message reads "<c>file: $.section.key: expected X; found Y.</c>" (for an
    /// unknown key: "<c>file: $.section.key: unknown key 'key' (known keys: a, b, c).</c>").
    /// </exception>
    public static T Bind<T>(JsonElement element, JsonTypeInfo<T> typeInfo, string fileName, string jsonPath)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(jsonPath);
        return ConfigBinder.BindSection(element, typeInfo, fileName, jsonPath);
    }
}
