using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using WindowDataset;
using WindowDataset.Configuration;

namespace TrainingSample;

/// <summary>
/// The sample's config file: <c>mode</c> ("torch" or "mlnet"), <c>dataset</c> (the demo file and how to create it),
/// <c>loader</c> (WindowLoaderOptions), <c>training</c> (epochs, model, learning rate) and <c>mlnet</c>. Bound with
/// <see cref="ConfigFile.Bind"/>: unknown keys and wrong types are refused with the file name and JSON path.
/// </summary>
internal sealed class SampleConfig
{
    /// <summary>The config file as given on the command line.</summary>
    [JsonIgnore]
    public string Path { get; private set; } = string.Empty;

    /// <summary>The config file's folder: relative paths are relative to it.</summary>
    [JsonIgnore]
    public string Directory { get; private set; } = string.Empty;

    /// <summary>The whole file.</summary>
    [JsonIgnore]
    public JsonElement Root { get; private set; }

    public string? Description { get; set; }

    /// <summary>"torch" or "mlnet".</summary>
    public string Mode { get; set; } = "torch";

    public DatasetSection Dataset { get; set; } = new();

    /// <summary>Bound by <see cref="BindLoader"/> once the dataset exists (the loader opens its files).</summary>
    public JsonElement Loader { get; set; }

    public TrainingSection Training { get; set; } = new();

    /// <summary>Bound by <see cref="MlNet.MlNetSection.Parse"/> in mlnet mode.</summary>
    public JsonElement Mlnet { get; set; }

    /// <exception cref="FileNotFoundException">The config file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or has unknown keys or wrong values.</exception>
    public static SampleConfig Load(string path)
    {
        using JsonDocument document = ConfigFile.Parse(path);
        JsonElement root = document.RootElement.Clone();
        SampleConfig config = ConfigFile.Bind(root, SampleJsonContext.Default.SampleConfig, path, "$");
        config.Path = path;
        config.Directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        config.Root = root;
        if (config.Mode is not ("torch" or "mlnet"))
        {
            throw new InvalidDataException($"{path}: $.mode: expected \"torch\" or \"mlnet\"; found {(config.Mode is null ? "null" : $"\"{config.Mode}\"")}.");
        }

        foreach ((string key, JsonElement section) in (ReadOnlySpan<(string, JsonElement)>)[("loader", config.Loader), ("mlnet", config.Mlnet)])
        {
            if (section.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
            {
                throw new InvalidDataException($"{path}: $.{key}: expected an object; found {(section.ValueKind == JsonValueKind.Null ? "null" : section.GetRawText())}.");
            }
        }

        config.Dataset.Resolve(path, config.Directory);
        config.Training.Validate(path);
        return config;
    }

    /// <summary>Binds the <c>loader</c> section (after the dataset exists); without a <c>source</c> it reads the dataset file.</summary>
    public WindowLoaderOptions BindLoader()
    {
        Dataset.EnsureStats(Console.Error);
        JsonElement section = Root.TryGetProperty("loader", out JsonElement loader) ? loader : default;
        if (section.ValueKind == JsonValueKind.Object && section.TryGetProperty("source", out _))
        {
            return WindowLoaderOptions.FromJson(section, Path, "$.loader", Directory);
        }

        if (section.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
        {
            return WindowLoaderOptions.FromJson(section, Path, "$.loader", Directory); // refused: not an object
        }

        if (Dataset.Path is null)
        {
            throw new InvalidDataException($"{Path}: $.loader.source: expected paths or a glob, or a $.dataset.path; found neither.");
        }

        // The section as written, with the dataset file as its source.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("source");
            writer.WriteStartArray("paths");
            writer.WriteStringValue(Dataset.Path);
            writer.WriteEndArray();
            writer.WriteEndObject();
            if (section.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in section.EnumerateObject())
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        using JsonDocument withSource = JsonDocument.Parse(buffer.WrittenMemory);
        return WindowLoaderOptions.FromJson(withSource.RootElement, Path, "$.loader", Directory);
    }
}
