using System.Globalization;
using System.Text.Json;

namespace WindowDataset.Statistics;

/// <summary>
/// The statistics JSON file: <c>source</c>, <c>rowStart</c>, <c>rows</c>, <c>rowShape</c>, then one array per
/// statistic with one value per element of the row (<c>count mean std min max nanCount</c>); doubles in their
/// shortest round-trip form, null where an element has no finite value. Read strictly (no unknown keys).
/// </summary>
internal static class StatisticsFile
{
    /// <summary>Larger files are refused before reading (about 8 million elements per row).</summary>
    private const long MaxFileBytes = 1L << 30;

    private static readonly string[] s_keys = ["source", "rowStart", "rows", "rowShape", "count", "mean", "std", "min", "max", "nanCount"];

    public static void Save(ArrayStatistics stats, string path)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("source", stats.Source);
            w.WriteNumber("rowStart", stats.RowStart);
            w.WriteNumber("rows", stats.Rows);
            w.WriteStartArray("rowShape");
            foreach (int d in stats.RowShapeArray)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            WriteLongs(w, "count", stats.CountArray);
            WriteDoubles(w, "mean", stats.MeanArray);
            WriteDoubles(w, "std", stats.StdArray);
            WriteDoubles(w, "min", stats.MinArray);
            WriteDoubles(w, "max", stats.MaxArray);
            WriteLongs(w, "nanCount", stats.NanCountArray);
            w.WriteEndObject();
        }

        File.Move(temp, path, overwrite: true);
    }

    public static ArrayStatistics Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: expected a statistics file (windowds stats); found a directory.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: statistics file not found.", path);
        }

        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: expected a statistics file of at most {MaxFileBytes} bytes; found {length}."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: invalid JSON at line {(ex.LineNumber ?? 0) + 1}: expected a statistics file (windowds stats).", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(path, "$", "an object", root);
            }

            foreach (JsonProperty p in root.EnumerateObject())
            {
                if (Array.IndexOf(s_keys, p.Name) < 0)
                {
                    throw new InvalidDataException($"{path}: {p.Name}: expected one of the keys {string.Join(", ", s_keys)}; found an unknown key.");
                }
            }

            string source = Get(root, path, "source").ValueKind == JsonValueKind.String ? root.GetProperty("source").GetString()! : throw Bad(path, "source", "a string", root.GetProperty("source"));
            long rows = ReadLong(Get(root, path, "rows"), path, "rows");
            long rowStart = root.TryGetProperty("rowStart", out JsonElement start) ? ReadLong(start, path, "rowStart") : 0;
            JsonElement shapeElement = Get(root, path, "rowShape");
            if (shapeElement.ValueKind != JsonValueKind.Array || shapeElement.GetArrayLength() > 32)
            {
                throw Bad(path, "rowShape", "an array of at most 32 dimensions", shapeElement);
            }

            int[] shape = new int[shapeElement.GetArrayLength()];
            long elements = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                JsonElement d = shapeElement[i];
                if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[i]) || shape[i] < 1)
                {
                    throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"rowShape[{i}]"), "a dimension >= 1", d);
                }

                elements *= shape[i];
                if (elements > length)
                {
                    // Every element needs bytes in the file: a larger row shape cannot be this file's.
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: rowShape: expected a row shape whose elements fit in the file's {length} bytes; found {ArrayStatistics.ShapeText(shape)}."));
                }
            }

            int e = (int)elements;
            long[] count = Longs(root, path, "count", e, rows);
            long[] nan = Longs(root, path, "nanCount", e, rows);
            double[] mean = Doubles(root, path, "mean", e);
            double[] std = Doubles(root, path, "std", e);
            double[] min = Doubles(root, path, "min", e);
            double[] max = Doubles(root, path, "max", e);
            for (int j = 0; j < e; j++)
            {
                if (count[j] + nan[j] != rows)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: count[{j}]: expected count + nanCount = rows ({rows}); found {count[j]} + {nan[j]}."));
                }

                if (std[j] < 0)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: std[{j}]: expected >= 0 or null; found {std[j]}."));
                }
            }

            return new ArrayStatistics(source, rowStart, rows, shape, count, mean, std, min, max, nan);
        }
    }

    private static JsonElement Get(JsonElement root, string path, string key) =>
        root.TryGetProperty(key, out JsonElement value) ? value : throw new InvalidDataException($"{path}: {key}: expected the key (a statistics file written by windowds stats); found none.");

    private static long ReadLong(JsonElement value, string path, string key) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n >= 0 ? n : throw Bad(path, key, "an integer >= 0", value);

    private static long[] Longs(JsonElement root, string path, string key, int elements, long rows)
    {
        JsonElement array = ArrayOf(root, path, key, elements);
        long[] values = new long[elements];
        int i = 0;
        foreach (JsonElement v in array.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out values[i]) || values[i] < 0 || values[i] > rows)
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]"), string.Create(CultureInfo.InvariantCulture, $"an integer in 0..{rows} (the rows)"), v);
            }

            i++;
        }

        return values;
    }

    private static double[] Doubles(JsonElement root, string path, string key, int elements)
    {
        JsonElement array = ArrayOf(root, path, key, elements);
        double[] values = new double[elements];
        int i = 0;
        foreach (JsonElement v in array.EnumerateArray())
        {
            if (v.ValueKind == JsonValueKind.Null)
            {
                values[i] = double.NaN;
            }
            else if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out values[i]) || !double.IsFinite(values[i]))
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]"), "a finite number or null", v);
            }

            i++;
        }

        return values;
    }

    private static JsonElement ArrayOf(JsonElement root, string path, string key, int elements)
    {
        JsonElement array = Get(root, path, key);
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != elements)
        {
            string found = array.ValueKind == JsonValueKind.Array ? string.Create(CultureInfo.InvariantCulture, $"{array.GetArrayLength()} values") : Render(array);
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: {key}: expected an array of {elements} values (one per element of the row shape); found {found}."));
        }

        return array;
    }

    private static InvalidDataException Bad(string path, string key, string expected, JsonElement found) =>
        new($"{path}: {key}: expected {expected}; found {Render(found)}.");

    private static string Render(JsonElement value)
    {
        string text = value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "'" + value.GetString() + "'",
            _ => value.GetRawText(),
        };
        return text.Length > 40 ? text[..40] + "..." : text;
    }

    private static void WriteLongs(Utf8JsonWriter w, string key, long[] values)
    {
        w.WriteStartArray(key);
        foreach (long v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteDoubles(Utf8JsonWriter w, string key, double[] values)
    {
        w.WriteStartArray(key);
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(v); // shortest round-trip form
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndArray();
    }
}
