using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>
/// Reads an enum from its camelCase name (<c>"dropAfterRead"</c>; case-insensitive), never from a number, and writes
/// the camelCase name.
/// </summary>
internal sealed class ConfigEnumConverter<TEnum> : JsonConverter<TEnum>, IConfigValueConverter
    where TEnum : struct, Enum
{
    private static readonly TEnum[] s_values = Enum.GetValues<TEnum>();
    private static readonly string[] s_names = CamelCaseNames();

    public string Expected { get; } = "one of " + string.Join(", ", Array.ConvertAll(s_names, n => $"\"{n}\""));

    public string? Check(JsonElement value) => TryConvert(value, out _) ? null : $"expected {Expected}; found {ConfigWalker.Render(value)}.";

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonElement value = JsonElement.ParseValue(ref reader);
        return TryConvert(value, out TEnum result) ? result : throw new JsonException(Check(value));
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        int index = Array.IndexOf(s_values, value);
        if (index < 0)
        {
            throw new JsonException($"expected a defined {typeof(TEnum).Name}; found {value}.");
        }

        writer.WriteStringValue(s_names[index]);
    }

    private static bool TryConvert(JsonElement value, out TEnum result)
    {
        result = default;
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        string text = value.GetString()!;
        for (int i = 0; i < s_names.Length; i++)
        {
            if (string.Equals(s_names[i], text, StringComparison.OrdinalIgnoreCase))
            {
                result = s_values[i];
                return true;
            }
        }

        return false;
    }

    private static string[] CamelCaseNames()
    {
        string[] names = new string[s_values.Length];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = JsonNamingPolicy.CamelCase.ConvertName(s_values[i].ToString());
        }

        return names;
    }
}
