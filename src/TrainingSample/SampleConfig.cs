using System.Text.Json;
using System.Text.Json.Nodes;
using WindowDataset;

namespace TrainingSample;

/// <summary>
/// The sample's config file: <c>mode</c> ("torch" or "mlnet"), <c>dataset</c> (the demo file and how to create it),
/// <c>loader</c> (WindowLoaderOptions), <c>training</c> (epochs, model, learning rate) and <c>mlnet</c>.
/// Unknown keys are refused with the file name and JSON path.
/// </summary>
internal sealed class SampleConfig
{
    private static readonly string[] s_rootKeys = ["mode", "dataset", "loader", "training", "mlnet", "description"];

    public required string Path { get; init; }

    public required string Directory { get; init; }

    public required JsonElement Root { get; init; }

    public string Mode { get; init; } = "torch";

    public required DatasetSection Dataset { get; init; }

    public required TrainingSection Training { get; init; }

    /// <exception cref="FileNotFoundException">The config file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or has unknown keys or wrong values.</exception>
    public static SampleConfig Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{path}: config file not found.", path);
        }

        JsonElement root;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({ex.Message}).", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: $: expected an object; found {root.ValueKind}.");
        }

        CheckKeys(root, s_rootKeys, path, "$");
        string mode = "torch";
        if (root.TryGetProperty("mode", out JsonElement m))
        {
            mode = m.ValueKind == JsonValueKind.String ? m.GetString()! : throw new InvalidDataException($"{path}: $.mode: expected \"torch\" or \"mlnet\"; found {m.ValueKind}.");
            if (mode is not ("torch" or "mlnet"))
            {
                throw new InvalidDataException($"{path}: $.mode: expected \"torch\" or \"mlnet\"; found \"{mode}\".");
            }
        }

        string directory = System.IO.Path.GetDirectoryName(full)!;
        return new SampleConfig
        {
            Path = path,
            Directory = directory,
            Root = root,
            Mode = mode,
            Dataset = root.TryGetProperty("dataset", out JsonElement d) ? DatasetSection.Parse(d, path, directory) : new DatasetSection(),
            Training = root.TryGetProperty("training", out JsonElement t) ? TrainingSection.Parse(t, path) : new TrainingSection(),
        };
    }

    /// <summary>Binds the <c>loader</c> section (after the dataset exists); without a <c>source</c> it reads the dataset file.</summary>
    public WindowLoaderOptions BindLoader()
    {
        JsonObject loader = Root.TryGetProperty("loader", out JsonElement section)
            ? JsonNode.Parse(section.GetRawText()) as JsonObject ?? throw new InvalidDataException($"{Path}: $.loader: expected an object; found {section.ValueKind}.")
            : [];
        if (!loader.ContainsKey("source"))
        {
            if (Dataset.Path is null)
            {
                throw new InvalidDataException($"{Path}: $.loader.source: expected paths or a glob, or a $.dataset.path; found neither.");
            }

            loader["source"] = new JsonObject { ["paths"] = new JsonArray(Dataset.Path) };
        }

        JsonElement element = JsonSerializer.SerializeToElement(loader);
        return WindowLoaderOptions.FromJson(element, Path, "$.loader", Directory);
    }

    internal static void CheckKeys(JsonElement obj, string[] allowed, string file, string jsonPath)
    {
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (Array.IndexOf(allowed, p.Name) < 0)
            {
                throw new InvalidDataException($"{file}: {jsonPath}.{p.Name}: unknown key; expected one of {string.Join(", ", allowed)}.");
            }
        }
    }

    internal static T Read<T>(JsonElement obj, string key, T fallback, string file, string jsonPath)
    {
        if (!obj.TryGetProperty(key, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        try
        {
            return v.Deserialize<T>() ?? fallback;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{file}: {jsonPath}.{key}: expected a {typeof(T).Name}; found {v.GetRawText()}.", ex);
        }
    }
}
