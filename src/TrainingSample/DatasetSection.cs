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

    /// <summary>
    /// The statistics file of the data (<c>windowds stats</c>), for the loader's <c>normalize.stats</c>: relative to
    /// the config file as written; computed from the data when missing or older than it (see <see cref="EnsureStats"/>). Null: none.
    /// </summary>
    public string? Stats { get; set; }

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

        if (Stats is not null)
        {
            if (Path is null)
            {
                throw new InvalidDataException($"{file}: {at}.stats: expected a $.dataset.path to compute the statistics of; found none.");
            }

            Stats = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(Stats) ? Stats : System.IO.Path.Combine(directory, Stats));
        }
    }

    /// <summary>Computes the statistics file from the data (one streaming pass) when it is missing or older than the data.</summary>
    public void EnsureStats(TextWriter log)
    {
        if (Stats is null || Path is null || !File.Exists(Path))
        {
            return;
        }

        if (File.Exists(Stats) && File.GetLastWriteTimeUtc(Stats) >= File.GetLastWriteTimeUtc(Path))
        {
            return;
        }

        ArrayStatistics stats = ArrayStatistics.Compute(SourceOptions.FromPaths(Path));
        stats.Save(Stats);
        log.WriteLine($"{Stats}: statistics of {stats.Rows} rows x {stats.Mean.Count} elements written (for normalize.stats).");
    }

    private static string Quoted(string? text) => text is null ? "null" : $"\"{text}\"";
}
