using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>Reads <c>split</c>: an object whose keys are range names with [from, to] values, and an optional integer <c>gap</c>.</summary>
internal sealed class SplitOptionsConverter : JsonConverter<SplitOptions>, IConfigValueConverter
{
    public string Expected => "an object of named [from, to] ranges and an optional gap, such as {\"train\": [0.0, 0.8], \"val\": [0.8, 1.0], \"gap\": 64}";

    public string? Check(JsonElement value) => TryConvert(value, out _, out string? problem) ? null : problem;

    public override SplitOptions? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonElement value = JsonElement.ParseValue(ref reader);
        return TryConvert(value, out SplitOptions? split, out string? problem) ? split : throw new JsonException(problem);
    }

    public override void Write(Utf8JsonWriter writer, SplitOptions value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, double[]> pair in value.Ranges)
        {
            writer.WriteStartArray(pair.Key);
            foreach (double bound in pair.Value)
            {
                writer.WriteNumberValue(bound);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("gap", value.Gap);
        writer.WriteEndObject();
    }

    private bool TryConvert(JsonElement value, out SplitOptions? split, out string? problem)
    {
        split = null;
        problem = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problem = $"expected {Expected}; found {ConfigWalker.Render(value)}.";
            return false;
        }

        var result = new SplitOptions();
        foreach (JsonProperty member in value.EnumerateObject())
        {
            if (member.Name == "gap")
            {
                if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt64(out long gap))
                {
                    problem = $"gap: expected a whole number of rows; found {ConfigWalker.Render(member.Value)}.";
                    return false;
                }

                result.Gap = gap;
                continue;
            }

            if (result.Ranges.ContainsKey(member.Name))
            {
                problem = $"{member.Name}: expected each range name once; found it twice.";
                return false;
            }

            JsonElement bounds = member.Value;
            if (bounds.ValueKind != JsonValueKind.Array || bounds.GetArrayLength() != 2
                || bounds[0].ValueKind != JsonValueKind.Number || bounds[1].ValueKind != JsonValueKind.Number)
            {
                problem = $"{member.Name}: expected [from, to] (two numbers: fractions, or rows); found {ConfigWalker.Render(bounds)}.";
                return false;
            }

            result.Ranges[member.Name] = [bounds[0].GetDouble(), bounds[1].GetDouble()];
        }

        split = result;
        return true;
    }
}
