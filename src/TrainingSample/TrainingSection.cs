using System.Text.Json;

namespace TrainingSample;

/// <summary>The <c>training</c> section.</summary>
internal sealed class TrainingSection
{
    private static readonly string[] s_keys = ["epochs", "learningRate", "hidden", "model", "threads", "seed"];

    public int Epochs { get; init; } = 3;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Hidden width of the MLP (or channels of the Conv1d).</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>"mlp" or "conv1d".</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>torch intra-op threads; null for 1 (the loader's workers use the other cores).</summary>
    public int? Threads { get; init; }

    public long Seed { get; init; } = 1;

    public static TrainingSection Parse(JsonElement e, string file)
    {
        const string at = "$.training";
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{file}: {at}: expected an object; found {e.ValueKind}.");
        }

        SampleConfig.CheckKeys(e, s_keys, file, at);
        var t = new TrainingSection
        {
            Epochs = SampleConfig.Read(e, "epochs", 3, file, at),
            LearningRate = SampleConfig.Read(e, "learningRate", 1e-3, file, at),
            Hidden = SampleConfig.Read(e, "hidden", 128, file, at),
            Model = SampleConfig.Read(e, "model", "mlp", file, at),
            Threads = SampleConfig.Read<int?>(e, "threads", null, file, at),
            Seed = SampleConfig.Read(e, "seed", 1L, file, at),
        };
        if (t.Epochs < 1 || t.LearningRate <= 0 || t.Hidden < 1 || t.Threads is < 1 || t.Model is not ("mlp" or "conv1d"))
        {
            throw new InvalidDataException($"{file}: {at}: expected epochs >= 1, learningRate > 0, hidden >= 1, threads >= 1, model \"mlp\" or \"conv1d\"; found epochs {t.Epochs}, learningRate {t.LearningRate}, hidden {t.Hidden}, threads {t.Threads}, model \"{t.Model}\".");
        }

        return t;
    }
}
