using System.Text.Json;
using System.Text.Json.Nodes;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Configuration;

/// <summary>
/// The metadata walk runs before deserializing: whatever value a key holds, the loader's binder either binds it (and
/// the result passes <see cref="WindowLoaderOptions.Validate"/>) or refuses it at that key in its own words, never
/// by relaying a deserializer failure.
/// </summary>
public sealed class ConfigWalkTests : IDisposable
{
    private const string Placeholder = "VALUE_PLACEHOLDER";

    private const string Template = """
        {
          "loader": {
            "source": { "paths": ["a.npy"], "glob": "a*.npy", "format": "npy", "dtype": "f8", "rowShape": [3], "rows": 40, "headerOffset": 0 },
            "window": 4, "batchSize": 5, "sampler": "uniform", "stride": 1, "windowsPerEpoch": 10, "starts": [0, 1],
            "dropLast": true, "seed": 7, "rank": 0, "worldSize": 1, "workers": 2, "prefetch": 2, "memoryBudget": "1MiB",
            "outputType": "float32", "io": "pread", "readAhead": 1, "pageCache": "default",
            "target": { "kind": "file", "horizon": 1, "offset": 0, "source": { "paths": ["labels.npy"] } }
          }
        }
        """;

    private static readonly string[] s_values =
        ["null", "true", "0", "-1", "1.5", "1e3", "99999999999999999999", "\"x\"", "\"\"", "\"\\ud800\"", "[]", "[null]", "[\"a.npy\", 2]", "{}", "{\"k\": 1}"];

    private readonly TempDirectory _dir = new();

    public ConfigWalkTests()
    {
        TestArrays.WriteNpy(_dir.File("a.npy"), 40, 3);
        TestArrays.WriteNpy(_dir.File("labels.npy"), 40, 1);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadFile_Template_Binds() =>
        Assert.Equal(5, WindowLoaderOptions.LoadFile(Write(Template)).BatchSize);

    [Fact]
    public void LoadFile_EveryKeyHoldingEveryKindOfValue_BoundOrRefusedAtThatKey()
    {
        var keys = new List<string[]>();
        Collect(JsonNode.Parse(Template)!["loader"]!, ["loader"], keys);
        int refused = 0;
        foreach (string[] key in keys)
        {
            string jsonPath = "$." + string.Join('.', key).Replace(".[", "[", StringComparison.Ordinal);
            foreach (string value in s_values)
            {
                // Spliced in as text: a JsonNode cannot write an unpaired surrogate.
                JsonNode root = JsonNode.Parse(Template)!;
                Set(root, key, JsonValue.Create(Placeholder));
                string json = root.ToJsonString().Replace($"\"{Placeholder}\"", value, StringComparison.Ordinal);
                Assert.DoesNotContain(Placeholder, json, StringComparison.Ordinal);
                string config = Write(json);
                try
                {
                    WindowLoaderOptions.LoadFile(config).Validate();
                }
                catch (InvalidDataException ex)
                {
                    refused++;
                    Assert.True(ex.Message.StartsWith($"{config}: {jsonPath}", StringComparison.Ordinal), $"{jsonPath} = {value}: {ex.Message}");
                    Assert.False(ex.InnerException is JsonException, $"{jsonPath} = {value}: refused by the deserializer: {ex.Message}");
                    Assert.True(ex.Message.Contains(": expected ", StringComparison.Ordinal) || ex.Message.Contains(": unknown key 'k' (known keys: ", StringComparison.Ordinal), ex.Message);
                }
            }
        }

        Assert.True(refused > keys.Count * 8, $"{refused} refusals for {keys.Count} keys");
    }

    private static void Collect(JsonNode node, string[] path, List<string[]> keys)
    {
        if (node is JsonObject obj)
        {
            foreach ((string name, JsonNode? child) in obj)
            {
                string[] childPath = [.. path, name];
                keys.Add(childPath);
                if (child is not null)
                {
                    Collect(child, childPath, keys);
                }
            }
        }
        else if (node is JsonArray { Count: > 0 } array)
        {
            string[] first = [.. path, "[0]"];
            keys.Add(first);
            Collect(array[0]!, first, keys);
        }
    }

    private static void Set(JsonNode root, string[] path, JsonNode? value)
    {
        JsonNode parent = root;
        for (int i = 0; i < path.Length - 1; i++)
        {
            parent = path[i] == "[0]" ? parent[0]! : parent[path[i]]!;
        }

        if (path[^1] == "[0]")
        {
            parent[0] = value;
        }
        else
        {
            parent[path[^1]] = value;
        }
    }

    private string Write(string json)
    {
        string path = _dir.File("walk.json");
        File.WriteAllText(path, json);
        return path;
    }
}
