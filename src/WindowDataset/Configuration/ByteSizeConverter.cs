using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>Reads a byte count from a JSON number or a string with a unit: <c>"512MiB"</c>, <c>"8GB"</c>, <c>"2GiB"</c>.</summary>
internal sealed class ByteSizeConverter : JsonConverter<long>, IConfigValueConverter
{
    public string Expected => "a byte count (an integer, or a string such as \"2GiB\")";

    public string? Check(JsonElement value) => TryConvert(value, out _, out string? problem) ? null : problem;

    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonElement value = JsonElement.ParseValue(ref reader);
        return TryConvert(value, out long bytes, out string? problem) ? bytes : throw new JsonException(problem);
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

    /// <summary>Parses <c>123</c>, <c>64KiB</c>, <c>512MiB</c>, <c>8GB</c>, <c>1TiB</c> (binary and decimal units, case-insensitive).</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        int split = 0;
        while (split < s.Length && (char.IsAsciiDigit(s[split]) || s[split] == '.'))
        {
            split++;
        }

        if (split == 0 || !double.TryParse(s[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }

        double multiplier = s[split..].Trim().ToString().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1e3,
            "KI" or "KIB" => 1L << 10,
            "M" or "MB" => 1e6,
            "MI" or "MIB" => 1L << 20,
            "G" or "GB" => 1e9,
            "GI" or "GIB" => 1L << 30,
            "T" or "TB" => 1e12,
            "TI" or "TIB" => 1L << 40,
            _ => -1,
        };
        if (multiplier < 0)
        {
            return false;
        }

        double result = Math.Round(number * multiplier);
        if (result >= long.MaxValue)
        {
            return false;
        }

        bytes = (long)result;
        return true;
    }

    private bool TryConvert(JsonElement value, out long bytes, out string? problem)
    {
        problem = null;
        bytes = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt64(out bytes):
                return true;
            case JsonValueKind.String:
                string text = value.GetString()!;
                if (TryParse(text, out bytes))
                {
                    return true;
                }

                problem = $"expected a byte count such as 1073741824, \"512MiB\" or \"8GB\"; found {ConfigWalker.Render(value)}.";
                return false;
            default:
                problem = $"expected {Expected}; found {ConfigWalker.Render(value)}.";
                return false;
        }
    }
}
