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
            throw new InvalidDataException($"{path}: invalid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {FirstSentence(ex.Message)}", ex);
        }
    }

    /// <summary>Binds a JSON object to loader options; relative paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static WindowLoaderOptions Bind(JsonElement element, string sourceName, string jsonPath, string? baseDirectory) =>
        RefuseInvalidUtf8(() => BindCore(element, sourceName, jsonPath, baseDirectory), sourceName, jsonPath);

    private static WindowLoaderOptions BindCore(JsonElement element, string sourceName, string jsonPath, string? baseDirectory)
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
            throw Error(element, typeof(WindowLoaderOptions), sourceName, jsonPath, ex);
        }

        if (options.Source is null)
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.source: expected an object with paths or a glob; found null.");
        }

        if (options.Target is null)
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.target: expected an object (or no key); found null.");
        }

        options.Source.Paths ??= [];
        if (options.Target.Source is { } target)
        {
            target.Paths ??= [];
        }

        foreach ((string name, string message) in options.GetErrors())
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.{name}: {message}");
        }

        CheckSource(options.Source, sourceName, jsonPath + ".source");
        ResolvePaths(options.Source, sourceName, jsonPath + ".source", baseDirectory);
        if (options.Target.Source is { } labels)
        {
            CheckSource(labels, sourceName, jsonPath + ".target.source");
            ResolvePaths(labels, sourceName, jsonPath + ".target.source", baseDirectory);
        }

        return options;
    }

    /// <summary>Deserializes any config section with the same strict settings, with errors naming the file and JSON path.</summary>
    public static T BindSection<T>(JsonElement element, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string sourceName, string jsonPath)
        where T : class => RefuseInvalidUtf8(() => BindSectionCore(element, typeInfo, sourceName, jsonPath), sourceName, jsonPath);

    /// <summary>A JsonElement parsed by someone else may hold invalid UTF-8 in a string; reading it throws InvalidOperationException.</summary>
    private static T RefuseInvalidUtf8<T>(Func<T> bind, string sourceName, string jsonPath)
    {
        try
        {
            return bind();
        }
        catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}: expected UTF-8 text in every string; found invalid UTF-8 ({ex.InnerException.Message}).", ex);
        }
    }

    private static T BindSectionCore<T>(JsonElement element, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string sourceName, string jsonPath)
        where T : class
    {
        try
        {
            return element.Deserialize(typeInfo) ?? throw new InvalidDataException($"{sourceName}: {jsonPath}: expected an object; found null.");
        }
        catch (JsonException ex)
        {
            throw Error(element, typeof(T), sourceName, jsonPath, ex);
        }
    }

    private static int FirstInvalidUtf8(byte[] bytes)
    {
        System.Buffers.OperationStatus status = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? 0 : Math.Min(read, bytes.Length - 1);
    }

    /// <summary>Checks what the loader would only find when opening the files: the raw description and the list of files.</summary>
    private static void CheckSource(SourceOptions source, string sourceName, string jsonPath)
    {
        if (source.Paths.Count == 0 && string.IsNullOrWhiteSpace(source.Glob))
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.paths: expected at least one path or a glob; found none.");
        }

        if (source.DType is { } dtype && !ElementTypeInfo.TryParse(dtype, out _, out _))
        {
            throw new InvalidDataException(
                $"{sourceName}: {jsonPath}.dtype: expected one of float64 float32 float16 int64 int32 int16 int8 uint64 uint32 uint16 uint8 bool or a numpy code ('<f8', '>i4', '|u1'); found '{dtype}'.");
        }

        if (source.RowShape is { } rowShape)
        {
            for (int i = 0; i < rowShape.Count; i++)
            {
                if (rowShape[i] <= 0)
                {
                    throw new InvalidDataException($"{sourceName}: {jsonPath}.rowShape[{i}]: expected dimensions > 0; found {rowShape[i]}.");
                }
            }
        }

        if (source.HeaderOffset < 0)
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.headerOffset: expected >= 0; found {source.HeaderOffset}.");
        }

        if (source.Rows is <= 0)
        {
            throw new InvalidDataException($"{sourceName}: {jsonPath}.rows: expected > 0 or null; found {source.Rows}.");
        }
    }

    private static InvalidDataException Error(JsonElement element, Type rootType, string sourceName, string jsonPath, JsonException ex)
    {
        string path = Join(jsonPath, ex.Path);
        string raw = ex.InnerException is { } inner and not JsonException ? inner.Message : ex.Message;
        string message;
        if (raw.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            int start = raw.IndexOf('\'', StringComparison.Ordinal);
            int end = start >= 0 ? raw.IndexOf('\'', start + 1) : -1;
            string key = start >= 0 && end > start ? raw[(start + 1)..end] : "?";
            string? parent = ex.Path is { } p && p.LastIndexOfAny(['.', '[']) is int cut and > 0 ? p[..cut] : "$";
            string known = TypeAt(rootType, parent) is { } owner && KnownKeys(owner) is { Length: > 0 } keys ? $" (known keys: {keys})" : string.Empty;
            message = $"unknown key '{key}'{known}.";
        }
        else if (raw.StartsWith("expected ", StringComparison.Ordinal))
        {
            message = FirstSentence(raw); // from our own converters: already says what was expected and found
        }
        else
        {
            string expected = TypeAt(rootType, ex.Path) is { } type ? Friendly(type) : "a value of another type";
            string found = Find(element, ex.Path) is { } value ? Render(value) : "a value that does not convert";
            message = $"expected {expected}; found {found}.";
        }

        return new InvalidDataException($"{sourceName}: {path}: {message}", ex);
    }

    /// <summary>The CLR type bound at a System.Text.Json path below <paramref name="root"/>, if the path names one.</summary>
    private static Type? TypeAt(Type root, string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$')
        {
            return null;
        }

        Type current = root;
        int i = 1;
        while (i < path.Length)
        {
            current = Nullable.GetUnderlyingType(current) ?? current;
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                Type? next = PropertyType(current, path[(i + 1)..end]);
                if (next is null)
                {
                    return null;
                }

                current = next;
                i = end;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                Type? item = ItemType(current);
                if (end < 0 || item is null)
                {
                    return null;
                }

                current = item;
                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static Type? PropertyType(Type owner, string jsonName)
    {
        foreach (System.Reflection.PropertyInfo property in owner.GetProperties())
        {
            if (property.CanWrite && ConfigNamingPolicy.Instance.ConvertName(property.Name) == jsonName)
            {
                return property.PropertyType;
            }
        }

        return null;
    }

    private static string KnownKeys(Type owner)
    {
        Type type = Nullable.GetUnderlyingType(owner) ?? owner;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || ItemType(type) is not null)
        {
            return string.Empty;
        }

        var names = new List<string>();
        foreach (System.Reflection.PropertyInfo property in type.GetProperties())
        {
            if (property.CanWrite)
            {
                names.Add(ConfigNamingPolicy.Instance.ConvertName(property.Name));
            }
        }

        return string.Join(", ", names);
    }

    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericArguments() is [Type item] && typeof(IEnumerable<>).MakeGenericType(item).IsAssignableFrom(type) ? item : null;
    }

    /// <summary>What a JSON value must look like to bind to <paramref name="type"/>, in words.</summary>
    private static string Friendly(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Friendly(inner) + " or null";
        }

        if (type.IsEnum)
        {
            var names = new List<string>();
            foreach (string name in Enum.GetNames(type))
            {
                names.Add($"\"{JsonNamingPolicy.CamelCase.ConvertName(name)}\"");
            }

            return "one of " + string.Join(", ", names);
        }

        if (ItemType(type) is { } item && type != typeof(string))
        {
            return $"an array (of {Friendly(item)})";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.String => "a string",
            TypeCode.Int32 => "an integer from -2147483648 to 2147483647 (32-bit integer)",
            TypeCode.Int64 => "an integer (64-bit integer)",
            TypeCode.UInt64 => "an integer from 0 to 18446744073709551615 (unsigned 64-bit integer)",
            TypeCode.Double => "a number",
            _ => "an object",
        };
    }

    /// <summary>The element at a System.Text.Json path (<c>$.source.paths[0]</c>, <c>$['odd key']</c>) below <paramref name="root"/>, if there is one.</summary>
    private static JsonElement? Find(JsonElement root, string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$')
        {
            return null;
        }

        JsonElement current = root;
        int i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(path[(i + 1)..end], out current))
                {
                    return null;
                }

                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0 || current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(path[(i + 2)..end], out current))
                {
                    return null;
                }

                i = end + 2;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0 || current.ValueKind != JsonValueKind.Array
                    || !int.TryParse(path.AsSpan(i + 1, end - i - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
                    || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static string Render(JsonElement value)
    {
        string text = value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => $"an array of {value.GetArrayLength()}",
            _ => value.GetRawText(),
        };
        return text.Length > 60 ? string.Concat(text.AsSpan(0, 57), "...") : text;
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

    /// <summary>The message without System.Text.Json's own (0-based) position and path suffixes.</summary>
    private static string FirstSentence(string message)
    {
        foreach (string suffix in (ReadOnlySpan<string>)[" Path:", " LineNumber:"])
        {
            int cut = message.IndexOf(suffix, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = ConfigNamingPolicy.Instance,
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
