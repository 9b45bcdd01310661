using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>Reads an <see cref="ElementType"/> from its numpy name (<c>"float32"</c>) or code (<c>"f4"</c>, <c>"&lt;f4"</c>).</summary>
internal sealed class ElementTypeConverter : JsonConverter<ElementType>, IConfigValueConverter
{
    public string Expected => "an element type name such as \"float32\"";

    public string? Check(JsonElement value) => TryConvert(value, out _, out string? problem) ? null : problem;

    public override ElementType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonElement value = JsonElement.ParseValue(ref reader);
        return TryConvert(value, out ElementType type, out string? problem) ? type : throw new JsonException(problem);
    }

    public override void Write(Utf8JsonWriter writer, ElementType value, JsonSerializerOptions options) => writer.WriteStringValue(ElementTypeInfo.Name(value));

    private bool TryConvert(JsonElement value, out ElementType type, out string? problem)
    {
        type = default;
        problem = null;
        if (value.ValueKind != JsonValueKind.String)
        {
            problem = $"expected {Expected}; found {ConfigWalker.Render(value)}.";
            return false;
        }

        string text = value.GetString()!;
        if (!ElementTypeInfo.TryParse(text, out type, out bool bigEndian))
        {
            problem = $"expected one of float64, float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool; found {ConfigWalker.Render(value)}.";
            return false;
        }

        if (bigEndian)
        {
            problem = $"expected a little-endian (native) element type such as \"float32\" or \"<f4\": batches are never big-endian; found {ConfigWalker.Render(value)}.";
            return false;
        }

        return true;
    }
}
