using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>Binds JSON configs to <see cref="WindowLoaderOptions"/>: strict (unknown keys and bad values are errors naming the file and JSON path).</summary>
internal static class ConfigBinder
{
    /// <summary>The serializer settings every config section is read with.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    public static WindowLoaderOptions LoadLoaderOptions(string path)
    {
        using JsonDocument document = ParseFile(path);
        JsonElement root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("loader", out JsonElement loader))
        {
            return Bind(loader, path, "$.loader", Path.GetDirectoryName(Path.GetFullPath(path)));
        }

        return Bind(root, path, "$", Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Reads a JSON file (comments and trailing commas allowed), with errors naming the file and line.</summary>
    public static JsonDocument ParseFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: expected a JSON config file; found a directory.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: config file not found.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: invalid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {FirstSentence(ex.Message)}", ex);
        }
    }

    /// <summary>Binds a JSON object to loader options; relative paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static WindowLoaderOptions Bind(JsonElement element, string sourceName, string jsonPath, string? baseDirectory)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}: expected an object; found {element.ValueKind}.");
        }

        WindowLoaderOptions options;
        try
        {
            options = element.Deserialize<WindowLoaderOptions>(SerializerOptions)
                ?? throw new InvalidDataException($"{sourceName}: {jsonPath}: expected an object; found null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sourceName}: {Join(jsonPath, ex.Path)}: {Describe(ex)}", ex);
        }

        if (options.Source is null)
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.source: expected an object with paths or a glob; found null.");
        }

        foreach ((string name, string message) in options.GetErrors())
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.{name}: {message}");
        }

        ResolvePaths(options.Source, sourceName, jsonPath + ".source", baseDirectory);
        if (options.Target?.Source is { } labels)
        {
            ResolvePaths(labels, sourceName, jsonPath + ".target.source", baseDirectory);
        }

        return options;
    }

    /// <summary>Deserializes any config section with the same strict settings, with errors naming the file and JSON path.</summary>
    public static T BindSection<T>(JsonElement element, string sourceName, string jsonPath)
        where T : class
    {
        try
        {
            return element.Deserialize<T>(SerializerOptions) ?? throw new InvalidDataException($"{sourceName}: {jsonPath}: expected an object; found null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sourceName}: {Join(jsonPath, ex.Path)}: {Describe(ex)}", ex);
        }
    }

    private static void ResolvePaths(SourceOptions source, string sourceName, string jsonPath, string? baseDirectory)
    {
        for (int i = 0; i < source.Paths.Count; i++)
        {
            string p = source.Paths[i];
            if (string.IsNullOrWhiteSpace(p))
            {
                throw new InvalidDataException($"{sourceName}: {jsonPath}.paths[{i}]: expected a file path; found an empty string.");
            }

            string full = baseDirectory is null || Path.IsPathRooted(p) ? p : Path.Combine(baseDirectory, p);
            if (!File.Exists(full))
            {
                throw new InvalidDataException($"{sourceName}: {jsonPath}.paths[{i}]: expected an existing file; found '{p}' (resolved to '{full}'), which {(Directory.Exists(full) ? "is a directory" : "does not exist")}.");
            }

            source.Paths[i] = full;
        }

        if (!string.IsNullOrWhiteSpace(source.Glob) && baseDirectory is not null && !Path.IsPathRooted(source.Glob))
        {
            source.Glob = Path.Combine(baseDirectory, source.Glob);
        }
    }

    private static string Join(string prefix, string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return prefix;
        }

        return path.StartsWith('$') ? prefix + path[1..] : prefix + "." + path;
    }

    private static string Describe(JsonException ex)
    {
        string message = ex.InnerException is { } inner and not JsonException ? inner.Message : ex.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            int start = message.IndexOf('\'', StringComparison.Ordinal);
            int end = start >= 0 ? message.IndexOf('\'', start + 1) : -1;
            string key = start >= 0 && end > start ? message[(start + 1)..end] : "?";
            return $"unknown key '{key}'.";
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            int to = message.IndexOf("could not be converted to ", StringComparison.Ordinal) + "could not be converted to ".Length;
            int end = message.IndexOf('.', to) is int dot && dot > to ? message.IndexOf(". ", to, StringComparison.Ordinal) : -1;
            string type = end > to ? message[to..end] : message[to..];
            return $"expected a value of type {Simplify(type)}; found a value that does not convert.";
        }

        return FirstSentence(message);
    }

    private static string Simplify(string type) => type
        .Replace("System.Nullable`1[", string.Empty, StringComparison.Ordinal)
        .Replace("System.Collections.Generic.IList`1[", "list of ", StringComparison.Ordinal)
        .Replace("System.", string.Empty, StringComparison.Ordinal)
        .Replace("WindowDataset.", string.Empty, StringComparison.Ordinal)
        .Replace("]", string.Empty, StringComparison.Ordinal);

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = 32,
        };
        options.Converters.Add(new ElementTypeConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
