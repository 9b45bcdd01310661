using System.Text.Json.Serialization;
using WindowDataset;
using WindowDataset.Synthetic;

namespace TrainingSample;

/// <summary>The <c>dataset</c> section: the demo file and the parameters it is generated with when missing.</summary>
internal sealed class DatasetSection
{
    /// <summary>The data file: relative to the config file as written; its full path after <see cref="Resolve"/>. Null when the loader section names its own source.</summary>
    public string? Path { get; set; }

    public long Rows { get; set; } = 100_000;

    public int Cols { get; set; } = 32;

    /// <summary>The element type as written (<c>float32</c>, <c>f8</c>...); <see cref="Type"/> after <see cref="Resolve"/>.</summary>
    [JsonPropertyName("type")]
    public string TypeName { get; set; } = "float32";

    /// <summary><c>ar</c> or <c>random</c>; <see cref="Signal"/> after <see cref="Resolve"/>.</summary>
    [JsonPropertyName("signal")]
    public string SignalName { get; set; } = "ar";

    public ulong Seed { get; set; }

    /// <summary>Create the file when it is missing (false for problems too large to create casually).</summary>
    public bool Generate { get; set; } = true;

    [JsonIgnore]
    public ElementType Type { get; private set; } = ElementType.Float32;

    [JsonIgnore]
    public SignalKind Signal { get; private set; } = SignalKind.Ar;

    /// <summary>Checks the values and resolves <see cref="Path"/> against the config file's folder.</summary>
    /// <exception cref="InvalidDataException">A value is out of range or unknown; the message names the file and JSON path.</exception>
    public void Resolve(string file, string directory)
    {
        const string at = "$.dataset";
        if (TypeName is null || !ElementTypeInfo.TryParse(TypeName, out ElementType type, out _))
        {
            throw new InvalidDataException($"{file}: {at}.type: expected an element type such as float32 or float64; found {Quoted(TypeName)}.");
        }

        Type = type;
        Signal = SignalName switch
        {
            "ar" => SignalKind.Ar,
            "random" => SignalKind.Random,
            _ => throw new InvalidDataException($"{file}: {at}.signal: expected \"ar\" or \"random\"; found {Quoted(SignalName)}."),
        };
        if (Rows < 1)
        {
            throw new InvalidDataException($"{file}: {at}.rows: expected >= 1; found {Rows}.");
        }

        if (Cols < 1)
        {
            throw new InvalidDataException($"{file}: {at}.cols: expected >= 1; found {Cols}.");
        }

        if (Path is not null)
        {
            Path = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(Path) ? Path : System.IO.Path.Combine(directory, Path));
        }
    }

    private static string Quoted(string? text) => text is null ? "null" : $"\"{text}\"";
}
