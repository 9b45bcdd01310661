using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace WindowDataset.Configuration;

/// <summary>
/// Checks a JSON value against <see cref="JsonTypeInfo"/> metadata before it is deserialized: unknown or repeated
/// keys, missing required keys, wrong value kinds, numbers that do not fit and values our converters refuse are
/// reported at their JSON path as "<c>file: $.path: expected X; found Y.</c>", so deserialization cannot then fail
/// for those reasons. Strict whatever the metadata's options say: keys match exactly, numbers must be JSON numbers.
/// </summary>
internal static class ConfigWalker
{
    private const int MaxRendered = 60;

    /// <summary>Throws an <see cref="InvalidDataException"/> for the first problem in <paramref name="value"/>.</summary>
    public static void Check(JsonElement value, JsonTypeInfo typeInfo, string fileName, string jsonPath) =>
        CheckValue(value, typeInfo, custom: null, nullAllowed: false, fileName, jsonPath);

    /// <summary>
    /// The error for a value the walk could not check (an application's own converter refused it), built from the
    /// exception's structured path only: System.Text.Json's message text is never read.
    /// </summary>
    public static InvalidDataException Unconverted(JsonElement root, JsonTypeInfo typeInfo, string fileName, string jsonPath, JsonException ex)
    {
        List<object> segments = Segments(ex.Path);
        string where = jsonPath;
        JsonElement? value = root;
        JsonTypeInfo? info = typeInfo;
        foreach (object segment in segments)
        {
            if (segment is string name)
            {
                where = Child(where, name);
                value = value is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out JsonElement v) ? v : null;
                info = info is null ? null : PropertyInfo(info, name);
            }
            else
            {
                int index = (int)segment;
                where += $"[{index.ToString(CultureInfo.InvariantCulture)}]";
                value = value is { ValueKind: JsonValueKind.Array } a && index < a.GetArrayLength() ? a[index] : null;
                info = info is null ? null : ItemInfo(info);
            }
        }

        string expected = info is null ? "a value of another type" : Describe(info, custom: null);
        string found = value is { } element ? Render(element) : "a value that does not convert";
        return new InvalidDataException($"{fileName}: {where}: expected {expected}; found {found}.", ex);
    }

    /// <summary>A JSON value as an error message shows it: the literal, or "an object", "an array of 3", truncated.</summary>
    public static string Render(JsonElement value)
    {
        string text;
        try
        {
            text = value.ValueKind switch
            {
                JsonValueKind.Undefined => "nothing",
                JsonValueKind.Object => "an object",
                JsonValueKind.Array => $"an array of {value.GetArrayLength().ToString(CultureInfo.InvariantCulture)}",
                _ => value.GetRawText(),
            };
        }
        catch (InvalidOperationException)
        {
            return "a string that is not valid Unicode text"; // GetRawText transcodes: invalid UTF-8 does not
        }

        return text.Length > MaxRendered ? string.Concat(text.AsSpan(0, MaxRendered - 3), "...") : text;
    }

    /// <summary>The JSON path of key <paramref name="name"/> of the object at <paramref name="path"/>.</summary>
    public static string Child(string path, string name)
    {
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";
            }
        }

        return name.Length == 0 ? $"{path}['']" : $"{path}.{name}";
    }

    private static void CheckValue(JsonElement value, JsonTypeInfo info, JsonConverter? custom, bool nullAllowed, string file, string path, bool orNull = false)
    {
        Type type = info.Type;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (info.Options.TryGetTypeInfo(underlying, out JsonTypeInfo? inner))
            {
                CheckValue(value, inner, custom, nullAllowed: false, file, path, orNull: true);
            }

            return;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            RequireUtf8(value, file, path);
        }

        if ((custom ?? info.Converter) is IConfigValueConverter converter)
        {
            if (converter.Check(value) is { } problem)
            {
                throw Error(file, path, problem);
            }

            return;
        }

        if (AcceptsAnything(type))
        {
            return;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            if (type.IsValueType || !nullAllowed)
            {
                throw Error(file, path, $"expected {Describe(info, custom)}; found null.");
            }

            return;
        }

        if (custom is not null)
        {
            return; // an application's converter: deserialization reports what it refuses (see Unconverted)
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                CheckObject(value, info, file, path, orNull);
                break;
            case JsonTypeInfoKind.Enumerable:
                CheckArray(value, info, file, path, orNull);
                break;
            case JsonTypeInfoKind.Dictionary:
                CheckDictionary(value, info, file, path, orNull);
                break;
            default:
                CheckScalar(value, info, file, path, orNull);
                break;
        }
    }

    private static void CheckObject(JsonElement value, JsonTypeInfo info, string file, string path, bool orNull)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(file, path, $"expected {Describe(info, custom: null)}{(orNull ? " or null" : string.Empty)}; found {Render(value)}.");
        }

        if (info.PolymorphismOptions is not null)
        {
            return; // derived types' keys are not in this metadata: deserialization checks them
        }

        IList<JsonPropertyInfo> properties = info.Properties;
        bool extensionData = false;
        foreach (JsonPropertyInfo p in properties)
        {
            extensionData |= p.IsExtensionData;
        }

        var seen = new List<string>();
        foreach (JsonProperty member in value.EnumerateObject())
        {
            (string name, string at) = UniqueKey(member, seen, file, path);
            JsonPropertyInfo? property = Bindable(properties, name);
            if (property is null)
            {
                if (extensionData)
                {
                    continue;
                }

                throw Error(file, at, $"unknown key '{name}'{KnownKeys(properties)}.");
            }

            if (!info.Options.TryGetTypeInfo(property.PropertyType, out JsonTypeInfo? propertyInfo))
            {
                continue;
            }

            // Null is refused for an object the property's annotations say is never null; lists and strings
            // may be null (the rules that read them say what is missing).
            bool nullAllowed = propertyInfo.Kind != JsonTypeInfoKind.Object || property.IsSetNullable;
            CheckValue(member.Value, propertyInfo, property.CustomConverter, nullAllowed, file, at);
        }

        foreach (JsonPropertyInfo p in properties)
        {
            if (p.IsRequired && !seen.Contains(p.Name))
            {
                throw Error(file, path, $"expected key '{p.Name}'; found none.");
            }
        }
    }

    private static void CheckArray(JsonElement value, JsonTypeInfo info, string file, string path, bool orNull)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(file, path, $"expected {Describe(info, custom: null)}{(orNull ? " or null" : string.Empty)}; found {Render(value)}.");
        }

        if (info.ElementType is null || !info.Options.TryGetTypeInfo(info.ElementType, out JsonTypeInfo? item))
        {
            return;
        }

        int index = 0;
        foreach (JsonElement element in value.EnumerateArray())
        {
            CheckValue(element, item, custom: null, nullAllowed: true, file, $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]");
            index++;
        }
    }

    /// <summary>The member's key and JSON path; a key seen before in the same object is an error.</summary>
    private static (string Name, string At) UniqueKey(JsonProperty member, List<string> seen, string file, string path)
    {
        string name = NameOf(member, file, path);
        string at = Child(path, name);
        if (seen.Contains(name))
        {
            throw Error(file, at, $"expected each key once; found '{name}' again.");
        }

        seen.Add(name);
        return (name, at);
    }

    private static void CheckDictionary(JsonElement value, JsonTypeInfo info, string file, string path, bool orNull)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(file, path, $"expected {Describe(info, custom: null)}{(orNull ? " or null" : string.Empty)}; found {Render(value)}.");
        }

        if (info.ElementType is null || !info.Options.TryGetTypeInfo(info.ElementType, out JsonTypeInfo? item))
        {
            return;
        }

        var seen = new List<string>();
        foreach (JsonProperty member in value.EnumerateObject())
        {
            (_, string at) = UniqueKey(member, seen, file, path);
            CheckValue(member.Value, item, custom: null, nullAllowed: true, file, at);
        }
    }

    private static void CheckScalar(JsonElement value, JsonTypeInfo info, string file, string path, bool orNull)
    {
        Type type = info.Type;
        bool ok;
        if (type.IsEnum)
        {
            ok = value.ValueKind is JsonValueKind.String or JsonValueKind.Number; // the application's converter decides which names
        }
        else if (type == typeof(Guid))
        {
            ok = value.ValueKind == JsonValueKind.String && value.TryGetGuid(out _);
        }
        else if (type == typeof(DateTimeOffset))
        {
            ok = value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _);
        }
        else
        {
            ok = Type.GetTypeCode(type) switch
            {
                TypeCode.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                TypeCode.String or TypeCode.Char => value.ValueKind == JsonValueKind.String,
                TypeCode.DateTime => value.ValueKind == JsonValueKind.String && value.TryGetDateTime(out _),
                TypeCode.SByte => value.ValueKind == JsonValueKind.Number && value.TryGetSByte(out _),
                TypeCode.Byte => value.ValueKind == JsonValueKind.Number && value.TryGetByte(out _),
                TypeCode.Int16 => value.ValueKind == JsonValueKind.Number && value.TryGetInt16(out _),
                TypeCode.UInt16 => value.ValueKind == JsonValueKind.Number && value.TryGetUInt16(out _),
                TypeCode.Int32 => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
                TypeCode.UInt32 => value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out _),
                TypeCode.Int64 => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
                TypeCode.UInt64 => value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out _),
                TypeCode.Single => value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float f) && float.IsFinite(f),
                TypeCode.Double => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && double.IsFinite(d),
                TypeCode.Decimal => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _),
                _ => true, // TimeSpan, Uri, Version...: their converters decide (see Unconverted)
            };
        }

        if (!ok)
        {
            throw Error(file, path, $"expected {Describe(info, custom: null)}{(orNull ? " or null" : string.Empty)}; found {Render(value)}.");
        }
    }

    /// <summary>What a JSON value must look like to bind through <paramref name="info"/>, in words.</summary>
    private static string Describe(JsonTypeInfo info, JsonConverter? custom)
    {
        Type type = info.Type;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return info.Options.TryGetTypeInfo(underlying, out JsonTypeInfo? inner) ? Describe(inner, custom) + " or null" : "a value or null";
        }

        if ((custom ?? info.Converter) is IConfigValueConverter converter)
        {
            return converter.Expected;
        }

        if (AcceptsAnything(type))
        {
            return "any JSON value";
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                return "an object";
            case JsonTypeInfoKind.Enumerable:
                return info.ElementType is { } e && info.Options.TryGetTypeInfo(e, out JsonTypeInfo? item) ? $"an array (of {Describe(item, custom: null)})" : "an array";
            case JsonTypeInfoKind.Dictionary:
                return info.ElementType is { } v && info.Options.TryGetTypeInfo(v, out JsonTypeInfo? value) ? $"an object (of {Describe(value, custom: null)})" : "an object";
        }

        if (type.IsEnum)
        {
            return $"one of the {type.Name} names";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "true or false",
            TypeCode.String => "a string",
            TypeCode.Char => "a string of one character",
            TypeCode.DateTime => "a date and time string (ISO 8601)",
            TypeCode.SByte => "an integer from -128 to 127 (8-bit integer)",
            TypeCode.Byte => "an integer from 0 to 255 (unsigned 8-bit integer)",
            TypeCode.Int16 => "an integer from -32768 to 32767 (16-bit integer)",
            TypeCode.UInt16 => "an integer from 0 to 65535 (unsigned 16-bit integer)",
            TypeCode.Int32 => "an integer from -2147483648 to 2147483647 (32-bit integer)",
            TypeCode.UInt32 => "an integer from 0 to 4294967295 (unsigned 32-bit integer)",
            TypeCode.Int64 => "an integer (64-bit integer)",
            TypeCode.UInt64 => "an integer from 0 to 18446744073709551615 (unsigned 64-bit integer)",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            _ => $"a {type.Name} value",
        };
    }

    private static bool AcceptsAnything(Type type) =>
        type == typeof(JsonElement) || type == typeof(object) || type == typeof(JsonDocument) || typeof(JsonNode).IsAssignableFrom(type);

    private static JsonPropertyInfo? Bindable(IList<JsonPropertyInfo> properties, string name)
    {
        foreach (JsonPropertyInfo p in properties)
        {
            if (IsKey(p) && string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>A key the JSON may hold: not the extension data, not a <c>[JsonIgnore]</c> property (which has neither accessor).</summary>
    private static bool IsKey(JsonPropertyInfo p) => !p.IsExtensionData && (p.Get is not null || p.Set is not null);

    private static string KnownKeys(IList<JsonPropertyInfo> properties)
    {
        var names = new List<string>(properties.Count);
        foreach (JsonPropertyInfo p in properties)
        {
            if (IsKey(p))
            {
                names.Add(p.Name);
            }
        }

        return names.Count == 0 ? " (this object has no keys)" : $" (known keys: {string.Join(", ", names)})";
    }

    private static JsonTypeInfo? PropertyInfo(JsonTypeInfo owner, string name)
    {
        JsonTypeInfo target = Unwrap(owner);
        if (target.Kind != JsonTypeInfoKind.Object || Bindable(target.Properties, name) is not { } property)
        {
            return null;
        }

        return target.Options.TryGetTypeInfo(property.PropertyType, out JsonTypeInfo? info) ? info : null;
    }

    private static JsonTypeInfo? ItemInfo(JsonTypeInfo owner)
    {
        JsonTypeInfo target = Unwrap(owner);
        return target.ElementType is { } item && target.Options.TryGetTypeInfo(item, out JsonTypeInfo? info) ? info : null;
    }

    private static JsonTypeInfo Unwrap(JsonTypeInfo info) =>
        Nullable.GetUnderlyingType(info.Type) is { } u && info.Options.TryGetTypeInfo(u, out JsonTypeInfo? inner) ? inner : info;

    /// <summary>The segments of a System.Text.Json path: <c>$.a.b[2]['odd key']</c> gives "a", "b", 2, "odd key".</summary>
    private static List<object> Segments(string? path)
    {
        var segments = new List<object>();
        if (string.IsNullOrEmpty(path) || path[0] != '$')
        {
            return segments;
        }

        int i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                segments.Add(path[(i + 2)..end]);
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    break;
                }

                segments.Add(index);
                i = end + 1;
            }
            else
            {
                break;
            }
        }

        return segments;
    }

    private static string NameOf(JsonProperty member, string file, string path)
    {
        try
        {
            return member.Name;
        }
        catch (InvalidOperationException ex)
        {
            // The only reason a key does not read: invalid UTF-8 or an unpaired surrogate escape ("\ud800").
            throw new InvalidDataException($"{file}: {path}: expected keys of valid Unicode text; found {Undecodable(ex)}.", ex);
        }
    }

    /// <summary>Reads the string once, so text that does not decode is refused here, at its path.</summary>
    private static void RequireUtf8(JsonElement value, string file, string path)
    {
        try
        {
            _ = value.GetString();
        }
        catch (InvalidOperationException ex)
        {
            // The value is a string, so the only reason it does not read is text that does not decode.
            throw new InvalidDataException($"{file}: {path}: expected a string of valid Unicode text; found {Undecodable(ex)}.", ex);
        }
    }

    private static string Undecodable(InvalidOperationException ex) =>
        ex.InnerException is DecoderFallbackException ? "invalid UTF-8" : "an unpaired surrogate escape";

    private static InvalidDataException Error(string file, string path, string problem) => new($"{file}: {path}: {problem}");
}
