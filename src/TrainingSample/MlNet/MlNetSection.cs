using System.Text.Json;
using WindowDataset.Configuration;

namespace TrainingSample.MlNet;

/// <summary>
/// The <c>mlnet</c> section: which regressor, which channel of the next row is the label, which ranges of the
/// loader's <c>split</c> are scored, and how long to measure the rows/s the view delivers. The split itself (train on
/// <c>loader.use</c>, a gap before each following range) is the loader's. Unknown keys are refused with the file and JSON path.
/// </summary>
internal sealed class MlNetSection
{
    /// <summary><c>fastTree</c> (gradient-boosted trees) or <c>sdca</c> (linear, several shuffled passes).</summary>
    public string Trainer { get; set; } = "fastTree";

    /// <summary>The label: this channel (column) of the H-th row after the window (H = the loader's target horizon).</summary>
    public int LabelChannel { get; set; }

    /// <summary>The ranges of <c>loader.split</c> the model is scored on. Null: every range but <c>loader.use</c>, in row order.</summary>
    public IList<string>? Evaluate { get; set; }

    /// <summary>Distance between the starts of consecutive windows in every range (1: every start).</summary>
    public long Stride { get; set; } = 1;

    /// <summary>Seed of the ML.NET context (trainers' randomness and shuffles).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>FastTree: number of trees.</summary>
    public int Trees { get; set; } = 100;

    /// <summary>FastTree: leaves per tree.</summary>
    public int Leaves { get; set; } = 20;

    /// <summary>FastTree: learning rate.</summary>
    public double LearningRate { get; set; } = 0.2;

    /// <summary>SDCA: most passes over the data.</summary>
    public int Iterations { get; set; } = 20;

    /// <summary>Seconds spent enumerating the training view with CreateEnumerable to measure rows/s (at least one pass).</summary>
    public double MeasureSeconds { get; set; } = 1.0;

    public static MlNetSection Parse(JsonElement root, string file)
    {
        const string at = "$.mlnet";
        if (!root.TryGetProperty("mlnet", out JsonElement e))
        {
            return new MlNetSection();
        }

        MlNetSection section = ConfigFile.Bind(e, SampleJsonContext.Default.MlNetSection, file, at);
        section.Validate(file, at);
        return section;
    }

    private void Validate(string file, string at)
    {
        if (Trainer is not ("fastTree" or "sdca"))
        {
            throw new InvalidDataException($"{file}: {at}.trainer: expected \"fastTree\" or \"sdca\"; found {(Trainer is null ? "null" : $"\"{Trainer}\"")}.");
        }

        Check(LabelChannel >= 0, "labelChannel", ">= 0", LabelChannel);
        Check(Evaluate is not { Count: 0 }, "evaluate", "at least one range of loader.split, or no key", "an empty list");
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
                throw new InvalidDataException(FormattableString.Invariant($"{file}: {at}.{key}: expected {expected}; found {found}."));
            }
        }
    }
}
