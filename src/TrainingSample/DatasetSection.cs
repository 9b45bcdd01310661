using System.Text.Json;
using WindowDataset;
using WindowDataset.Synthetic;

namespace TrainingSample;

/// <summary>The <c>dataset</c> section: the demo file and the parameters it is generated with when missing.</summary>
internal sealed class DatasetSection
{
    private static readonly string[] s_keys = ["path", "rows", "cols", "type", "signal", "seed", "generate"];

    /// <summary>Full path of the data file; null when the loader section names its own source.</summary>
    public string? Path { get; init; }

    public long Rows { get; init; } = 100_000;

    public int Cols { get; init; } = 32;

    public ElementType Type { get; init; } = ElementType.Float32;

    public SignalKind Signal { get; init; } = SignalKind.Ar;

    public ulong Seed { get; init; }

    /// <summary>Create the file when it is missing (false for problems too large to create casually).</summary>
    public bool Generate { get; init; } = true;

    public static DatasetSection Parse(JsonElement e, string file, string directory)
    {
        const string at = "$.dataset";
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{file}: {at}: expected an object; found {e.ValueKind}.");
        }

        SampleConfig.CheckKeys(e, s_keys, file, at);
        string? path = SampleConfig.Read<string?>(e, "path", null, file, at);
        string typeName = SampleConfig.Read(e, "type", "float32", file, at);
        if (!ElementTypeInfo.TryParse(typeName, out ElementType type, out _))
        {
            throw new InvalidDataException($"{file}: {at}.type: expected an element type such as float32 or float64; found \"{typeName}\".");
        }

        string signalName = SampleConfig.Read(e, "signal", "ar", file, at);
        SignalKind signal = signalName.ToLowerInvariant() switch
        {
            "ar" => SignalKind.Ar,
            "random" => SignalKind.Random,
            _ => throw new InvalidDataException($"{file}: {at}.signal: expected \"ar\" or \"random\"; found \"{signalName}\"."),
        };
        var section = new DatasetSection
        {
            Path = path is null ? null : System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(directory, path)),
            Rows = SampleConfig.Read(e, "rows", 100_000L, file, at),
            Cols = SampleConfig.Read(e, "cols", 32, file, at),
            Type = type,
            Signal = signal,
            Seed = SampleConfig.Read(e, "seed", 0UL, file, at),
            Generate = SampleConfig.Read(e, "generate", true, file, at),
        };
        if (section.Rows < 1 || section.Cols < 1)
        {
            throw new InvalidDataException($"{file}: {at}: expected rows >= 1 and cols >= 1; found rows {section.Rows}, cols {section.Cols}.");
        }

        return section;
    }
}
