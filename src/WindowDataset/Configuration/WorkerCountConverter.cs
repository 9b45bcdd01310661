using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>Reads <c>"workers"</c>: a whole number (a fixed count) or the string <c>"auto"</c>.</summary>
internal sealed class WorkerCountConverter : JsonConverter<WorkerCount>, IConfigValueConverter
{
    public string Expected => "a worker count (an integer 1..256) or \"auto\"";

    public string? Check(JsonElement value) => TryConvert(value, out _) ? null : $"expected {Expected}; found {ConfigWalker.Render(value)}.";

    public override WorkerCount Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonElement value = JsonElement.ParseValue(ref reader);
        return TryConvert(value, out WorkerCount count) ? count : throw new JsonException(Check(value));
    }

    public override void Write(Utf8JsonWriter writer, WorkerCount value, JsonSerializerOptions options)
    {
        if (value.Count is { } n)
        {
            writer.WriteNumberValue(n);
        }
        else
        {
            writer.WriteStringValue("auto");
        }
    }

    private static bool TryConvert(JsonElement value, out WorkerCount count)
    {
        count = WorkerCount.Auto;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt32(out int n):
                count = n;
                return true;
            case JsonValueKind.String:
                return value.GetString() == "auto";
            default:
                return false;
        }
    }
}
