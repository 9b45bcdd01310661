using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>Reads an <see cref="ElementType"/> from its numpy name (<c>"float32"</c>) or code (<c>"f4"</c>, <c>"&lt;f4"</c>).</summary>
internal sealed class ElementTypeConverter : JsonConverter<ElementType>
{
    public override ElementType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected an element type name such as \"float32\"; found {reader.TokenType}.");
        }

        string text = reader.GetString()!;
        if (!ElementTypeInfo.TryParse(text, out ElementType type, out bool bigEndian))
        {
            throw new JsonException($"expected one of float64, float32, float16, int64, int32, int16, int8, uint64, uint32, uint16, uint8, bool; found \"{text}\".");
        }

        if (bigEndian)
        {
            throw new JsonException($"expected a little-endian (native) element type such as \"float32\" or \"<f4\": batches are never big-endian; found \"{text}\".");
        }

        return type;
    }

    public override void Write(Utf8JsonWriter writer, ElementType value, JsonSerializerOptions options) => writer.WriteStringValue(ElementTypeInfo.Name(value));
}
