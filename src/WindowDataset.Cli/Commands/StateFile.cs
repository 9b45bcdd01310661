using System.Text.Json;

namespace WindowDataset.Cli.Commands;

/// <summary>
/// A loader state as JSON: <c>{"epoch": 0, "batch": 3, "windowsConsumed": 60, "worldSize": 4}</c> (the last two
/// optional; keys case-insensitive, so System.Text.Json's default PascalCase output reads too).
/// </summary>
internal static class StateFile
{
    private const string Example = "{\"epoch\": 0, \"batch\": 3, \"windowsConsumed\": 60, \"worldSize\": 4}";

    public static LoaderState Read(string path, string option)
    {
        InfoCommand.RequireFile(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length > 1 << 16)
        {
            throw new InvalidDataException($"{path}: {option}: expected a loader state of a few bytes such as {Example}; found {bytes.Length} bytes.");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: {option}: expected an object such as {Example}; found a {root.ValueKind.ToString().ToLowerInvariant()}.");
            }

            long? epoch = null, batch = null, consumed = null;
            int? world = null;
            foreach (JsonProperty p in root.EnumerateObject())
            {
                switch (p.Name.ToLowerInvariant())
                {
                    case "epoch":
                        epoch = Integer(path, option, p, 0, long.MaxValue);
                        break;
                    case "batch":
                        batch = Integer(path, option, p, 0, long.MaxValue);
                        break;
                    case "windowsconsumed":
                        consumed = p.Value.ValueKind == JsonValueKind.Null ? null : Integer(path, option, p, 0, long.MaxValue);
                        break;
                    case "worldsize":
                        world = p.Value.ValueKind == JsonValueKind.Null ? null : (int)Integer(path, option, p, 1, int.MaxValue);
                        break;
                    default:
                        throw new InvalidDataException($"{path}: {option}: expected the keys epoch, batch, windowsConsumed and worldSize; found '{p.Name}'.");
                }
            }

            if (epoch is null || batch is null)
            {
                throw new InvalidDataException($"{path}: {option}: expected both epoch and batch, as in {Example}; found {(epoch is null ? "no epoch" : "no batch")}.");
            }

            return new LoaderState(epoch.Value, batch.Value) { WindowsConsumed = consumed, WorldSize = world };
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: {option}: expected JSON such as {Example}; found invalid JSON ({ex.Message}).");
        }
    }

    /// <summary>Writes the state (camelCase keys) to a temporary file and renames it over <paramref name="path"/>, so a reader never sees half a state.</summary>
    public static void Write(string path, LoaderState state)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", state.Epoch);
            json.WriteNumber("batch", state.Batch);
            if (state.WindowsConsumed is { } consumed)
            {
                json.WriteNumber("windowsConsumed", consumed);
            }

            if (state.WorldSize is { } world)
            {
                json.WriteNumber("worldSize", world);
            }

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, buffer.ToArray());
        File.Move(temporary, path, overwrite: true);
    }

    private static long Integer(string path, string option, JsonProperty p, long minimum, long maximum)
    {
        if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out long value) && value >= minimum && value <= maximum)
        {
            return value;
        }

        string found = p.Value.ValueKind == JsonValueKind.String ? $"\"{p.Value.GetString()}\"" : p.Value.GetRawText();
        throw new InvalidDataException($"{path}: {option}: {p.Name}: expected an integer {(maximum == long.MaxValue ? $">= {minimum}" : $"from {minimum} to {maximum}")}; found {found}.");
    }
}
