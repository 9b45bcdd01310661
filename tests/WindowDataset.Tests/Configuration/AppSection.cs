namespace WindowDataset.Tests.Configuration;

/// <summary>An application's own config section, bound with <c>ConfigFile.Bind</c>.</summary>
internal sealed class AppSection
{
    public string Name { get; set; } = "run";

    public int Count { get; set; } = 1;

    public double? Ratio { get; set; }

    public IList<string>? Tags { get; set; }

    public AppInnerSection Inner { get; set; } = new();

    public AppInnerSection? Extra { get; set; }

    public AppColour Colour { get; set; }

    /// <summary>Not a key: ignored by the serializer, so refused as unknown.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Label => $"{Name} x{Count}";
}
