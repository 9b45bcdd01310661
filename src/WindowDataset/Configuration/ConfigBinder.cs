using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WindowDataset.Configuration;

/// <summary>
/// Binds JSON configs strictly: the value is first walked against its source-generated metadata (unknown keys,
/// wrong kinds, values our converters refuse), then deserialized, then (loader options) checked with
/// <see cref="OptionRules"/>. Every error names the file and the key's JSON path.
/// </summary>
internal static class ConfigBinder
{
    public static WindowLoaderOptions LoadLoaderOptions(string path)
    {
        using JsonDocument document = ParseFile(path);
        JsonElement root = document.RootElement;
        string? baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("loader", out JsonElement loader))
        {
            return Bind(loader, path, "$.loader", baseDirectory);
        }

        return Bind(root, path, "$", baseDirectory);
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

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnauthorizedAccessException($"{path}: cannot open the config file for reading ({ex.Message}).", ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new IOException($"{path}: cannot read the config file ({ex.Message}).", ex);
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            int bad = FirstInvalidUtf8(bytes);
            throw new InvalidDataException($"{path}: invalid JSON: expected UTF-8 text; found an invalid byte 0x{bytes[bad]:X2} at offset {bad}.");
        }

        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            long line = ex.LineNumber ?? 0;
            long column = ex.BytePositionInLine ?? 0;
            throw new InvalidDataException($"{path}: invalid JSON at line {line + 1}, byte {column + 1}: expected JSON (comments and trailing commas allowed); found {TextAt(bytes, line, column)}.", ex);
        }
    }

    /// <summary>Binds a JSON object to loader options; relative paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static WindowLoaderOptions Bind(JsonElement element, string fileName, string jsonPath, string? baseDirectory)
    {
        WindowLoaderOptions options = BindSection(element, LoaderJsonContext.Default.WindowLoaderOptions, fileName, jsonPath);

        // The walk refused a null source or target; a null list of paths means none.
        options.Source.Paths ??= [];
        if (options.Target.Source is { } target)
        {
            target.Paths ??= [];
        }

        foreach (MixtureComponent? component in options.Mixture ?? [])
        {
            if (component?.Source is { } componentSource)
            {
                componentSource.Paths ??= [];
            }
        }

        for (int k = 0; options.Inputs is not null && k < options.Inputs.Count; k++)
        {
            if (options.Inputs[k] is { } input)
            {
                input.Paths ??= [];
            }
        }

        if (OptionRules.Check(options) is { } violation)
        {
            throw violation.ToConfigError(fileName, jsonPath);
        }

        if (options.Inputs is null)
        {
            ResolvePaths(options.Source, fileName, jsonPath + ".source", baseDirectory);
        }

        for (int k = 0; options.Inputs is not null && k < options.Inputs.Count; k++)
        {
            InputOptions input = options.Inputs[k];
            SourceOptions resolved = input.ToSource();
            ResolvePaths(resolved, fileName, System.FormattableString.Invariant($"{jsonPath}.inputs[{k}]"), baseDirectory);
            (input.Paths, input.Glob) = (resolved.Paths, resolved.Glob);
        }

        if (options.Target is { Kind: TargetKind.File, Source: { } labels })
        {
            ResolvePaths(labels, fileName, jsonPath + ".target.source", baseDirectory);
        }

        for (int i = 0; options.Mixture is not null && i < options.Mixture.Count; i++)
        {
            ResolvePaths(options.Mixture[i].Source, fileName, jsonPath + System.FormattableString.Invariant($".mixture[{i}].source"), baseDirectory);
        }

        if (options.Normalize is { Stats: { } stats } normalize)
        {
            normalize.Stats = ResolveStats(stats, fileName, jsonPath + ".normalize.stats", baseDirectory);
        }

        return options;
    }

    /// <summary>Walks, then deserializes, any config section, with errors naming the file and JSON path.</summary>
    public static T BindSection<T>(JsonElement element, JsonTypeInfo<T> typeInfo, string fileName, string jsonPath)
        where T : class
    {
        try
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{fileName}: {jsonPath}: expected an object; found {ConfigWalker.Render(element)}.");
            }

            ConfigWalker.Check(element, typeInfo, fileName, jsonPath);
            try
            {
                return element.Deserialize(typeInfo) ?? throw new InvalidDataException($"{fileName}: {jsonPath}: expected an object; found null.");
            }
            catch (JsonException ex)
            {
                throw ConfigWalker.Unconverted(element, typeInfo, fileName, jsonPath, ex);
            }
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException)
        {
            // A JsonElement parsed by someone else may hold invalid UTF-8 where the walk does not read (an
            // application converter's value); reading it throws this.
            throw new InvalidDataException($"{fileName}: {jsonPath}: expected UTF-8 text in every string; found invalid UTF-8.", ex);
        }
    }

    /// <summary>The text at a 0-based line and byte of <paramref name="bytes"/>, quoted and cut short, or "the end of the file".</summary>
    private static string TextAt(byte[] bytes, long line, long column)
    {
        long offset = 0;
        for (long l = 0; l < line && offset < bytes.Length; offset++)
        {
            if (bytes[offset] == (byte)'\n')
            {
                l++;
            }
        }

        offset += column;
        if (offset >= bytes.Length)
        {
            return "the end of the file";
        }

        int length = (int)Math.Min(24, bytes.Length - offset);
        string text = Encoding.UTF8.GetString(bytes, (int)offset, length).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return $"'{text}{(offset + length < bytes.Length ? "..." : string.Empty)}'";
    }

    private static int FirstInvalidUtf8(byte[] bytes)
    {
        System.Buffers.OperationStatus status = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? 0 : Math.Min(read, bytes.Length - 1);
    }

    private static string ResolveStats(string path, string fileName, string jsonPath, string? baseDirectory)
    {
        string full = baseDirectory is null || Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);
        return File.Exists(full)
            ? full
            : throw new InvalidDataException($"{fileName}: {jsonPath}: expected an existing statistics file (windowds stats); found '{path}' (resolved to '{full}'), which {(Directory.Exists(full) ? "is a directory" : "does not exist")}.");
    }

    private static void ResolvePaths(SourceOptions source, string fileName, string jsonPath, string? baseDirectory)
    {
        for (int i = 0; i < source.Paths.Count; i++)
        {
            string p = source.Paths[i];
            if (p.Contains("://", StringComparison.Ordinal))
            {
                continue; // a URL: checked when the source opens
            }

            string full = baseDirectory is null || Path.IsPathRooted(p) ? p : Path.Combine(baseDirectory, p);
            if (!File.Exists(full) && !Sources.ArraySource.IsZarrDirectory(full))
            {
                throw new InvalidDataException($"{fileName}: {jsonPath}.paths[{i}]: expected an existing file (or a Zarr directory store); found '{p}' (resolved to '{full}'), which {(Directory.Exists(full) ? "is a directory without .zarray, .zgroup or zarr.json" : "does not exist")}.");
            }

            source.Paths[i] = full;
        }

        if (!string.IsNullOrWhiteSpace(source.Glob) && baseDirectory is not null && !Path.IsPathRooted(source.Glob))
        {
            source.Glob = Path.Combine(baseDirectory, source.Glob);
        }
    }
}
