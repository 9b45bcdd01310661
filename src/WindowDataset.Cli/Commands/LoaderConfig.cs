using System.Text.Json;
using System.Text.Json.Nodes;
using WindowDataset.Cli.CommandLine;

namespace WindowDataset.Cli.Commands;

/// <summary>
/// Builds loader options for take and bench: a <c>--config</c> file (its <c>loader</c> section, or the whole file),
/// with the input paths of the command line replacing the config's source paths; explicit options are applied after.
/// </summary>
internal static class LoaderConfig
{
    public static (WindowLoaderOptions Options, JsonElement? Root) Load(string? configPath, IReadOnlyList<string> paths)
    {
        if (configPath is null)
        {
            if (paths.Count == 0)
            {
                throw new UsageException("expected at least one input path (or --config FILE with loader.source); found none.");
            }

            var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths([.. paths.Select(FullPath)]) };
            return (options, null);
        }

        using JsonDocument document = WindowDataset.Configuration.ConfigFile.Parse(configPath);
        JsonElement root = document.RootElement.Clone();
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{configPath}: $: expected an object; found {root.ValueKind}.");
        }

        bool sectioned = root.TryGetProperty("loader", out JsonElement loader);
        string jsonPath = sectioned ? "$.loader" : "$";
        JsonElement section = sectioned ? loader : root;
        if (!sectioned && root.TryGetProperty("bench", out _))
        {
            // A file with only a bench section (or bench next to loader keys): the loader keys are the rest.
            JsonObject rest = JsonObject.Create(section)!;
            rest.Remove("bench");
            section = JsonSerializer.SerializeToElement(rest);
        }

        if (paths.Count > 0 && section.ValueKind == JsonValueKind.Object)
        {
            JsonObject node = JsonObject.Create(section)!;
            JsonObject source = node["source"] as JsonObject ?? [];
            node.Remove("source");
            source.Remove("paths");
            source.Remove("glob");
            source["paths"] = new JsonArray([.. paths.Select(p => JsonValue.Create(FullPath(p)))]);
            node["source"] = source;
            section = JsonSerializer.SerializeToElement(node);
        }

        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        WindowLoaderOptions bound = WindowLoaderOptions.FromJson(section, configPath, jsonPath, baseDirectory);
        return (bound, root);
    }

    public static IoMode ParseIo(string text) => text == "mmap" ? IoMode.Mmap : IoMode.Pread;

    public static string Name(IoMode io) => io == IoMode.Mmap ? "mmap" : "pread";

    /// <summary>URLs pass through; file paths become absolute.</summary>
    private static string FullPath(string path) => path.Contains("://", StringComparison.Ordinal) ? path : Path.GetFullPath(path);
}
