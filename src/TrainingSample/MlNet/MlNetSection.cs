using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrainingSample.MlNet;

/// <summary>
/// The <c>mlnet</c> section: which regressor, which channel of the next row is the label, how the rows are split in
/// time, and how long to measure the rows/s the view delivers. Unknown keys are refused with the file and JSON path.
/// </summary>
internal sealed class MlNetSection
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary><c>fastTree</c> (gradient-boosted trees) or <c>sdca</c> (linear, several shuffled passes).</summary>
    public string Trainer { get; init; } = "fastTree";

    /// <summary>The label: this channel (column) of the H-th row after the window (H = the loader's target horizon).</summary>
    public int LabelChannel { get; init; }

    /// <summary>Rows before <c>floor(rows * trainFraction)</c> feed training windows (window and target), the rows after it the test windows.</summary>
    public double TrainFraction { get; init; } = 0.8;

    /// <summary>Distance between the starts of consecutive windows in both splits (1: every start).</summary>
    public long Stride { get; init; } = 1;

    /// <summary>Seed of the ML.NET context (trainers' randomness and shuffles).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>FastTree: number of trees.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>FastTree: leaves per tree.</summary>
    public int Leaves { get; init; } = 20;

    /// <summary>FastTree: learning rate.</summary>
    public double LearningRate { get; init; } = 0.2;

    /// <summary>SDCA: most passes over the data.</summary>
    public int Iterations { get; init; } = 20;

    /// <summary>Seconds spent enumerating the training view with CreateEnumerable to measure rows/s (at least one pass).</summary>
    public double MeasureSeconds { get; init; } = 1.0;

    public static MlNetSection Parse(JsonElement root, string file)
    {
        const string at = "$.mlnet";
        if (!root.TryGetProperty("mlnet", out JsonElement e))
        {
            return new MlNetSection();
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{file}: {at}: expected an object; found {e.ValueKind}.");
        }

        MlNetSection section;
        try
        {
            section = e.Deserialize<MlNetSection>(s_json) ?? new MlNetSection();
        }
        catch (JsonException ex)
        {
            string path = ex.Path is { Length: > 1 } p ? at + p[1..] : at;
            string message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"unknown key; expected one of {string.Join(", ", typeof(MlNetSection).GetProperties().Select(q => JsonNamingPolicy.CamelCase.ConvertName(q.Name)))}."
                : FirstSentence(ex.Message);
            throw new InvalidDataException($"{file}: {path}: {message}", ex);
        }

        section.Validate(file, at);
        return section;
    }

    private void Validate(string file, string at)
    {
        if (Trainer is not ("fastTree" or "sdca"))
        {
            throw new InvalidDataException($"{file}: {at}.trainer: expected \"fastTree\" or \"sdca\"; found \"{Trainer}\".");
        }

        Check(LabelChannel >= 0, "labelChannel", ">= 0", LabelChannel);
        Check(TrainFraction is > 0 and < 1, "trainFraction", "between 0 and 1 (exclusive)", TrainFraction);
        Check(Stride >= 1, "stride", ">= 1", Stride);
        Check(Trees >= 1, "trees", ">= 1", Trees);
        Check(Leaves >= 2, "leaves", ">= 2", Leaves);
        Check(LearningRate > 0, "learningRate", "> 0", LearningRate);
        Check(Iterations >= 1, "iterations", ">= 1", Iterations);
        Check(MeasureSeconds >= 0, "measureSeconds", ">= 0", MeasureSeconds);

        void Check(bool ok, string key, string expected, object found)
        {
            if (!ok)
            {
                throw new InvalidDataException($"{file}: {at}.{key}: expected {expected}; found {found}.");
            }
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
