using System.Text.Json;

namespace WindowDataset.Configuration;

/// <summary>camelCase JSON keys, except <c>DType</c>, which is <c>dtype</c> as in numpy.</summary>
internal sealed class ConfigNamingPolicy : JsonNamingPolicy
{
    public static ConfigNamingPolicy Instance { get; } = new();

    public override string ConvertName(string name) =>
        name == nameof(SourceOptions.DType) ? "dtype" : CamelCase.ConvertName(name);
}
