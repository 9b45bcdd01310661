namespace TrainingSample;

/// <summary>The <c>training</c> section.</summary>
internal sealed class TrainingSection
{
    public int Epochs { get; set; } = 3;

    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Hidden width of the MLP (or channels of the Conv1d).</summary>
    public int Hidden { get; set; } = 128;

    /// <summary>"mlp" or "conv1d".</summary>
    public string Model { get; set; } = "mlp";

    /// <summary>torch intra-op threads; null for 1 (the loader's workers use the other cores).</summary>
    public int? Threads { get; set; }

    public long Seed { get; set; } = 1;

    /// <exception cref="InvalidDataException">A value is out of range; the message names the file and JSON path.</exception>
    public void Validate(string file)
    {
        const string at = "$.training";
        Check(Epochs >= 1, "epochs", ">= 1", Epochs);
        Check(LearningRate > 0, "learningRate", "> 0", LearningRate);
        Check(Hidden >= 1, "hidden", ">= 1", Hidden);
        Check(Threads is null or >= 1, "threads", ">= 1 or null", Threads);
        if (Model is not ("mlp" or "conv1d"))
        {
            throw new InvalidDataException($"{file}: {at}.model: expected \"mlp\" or \"conv1d\"; found {(Model is null ? "null" : $"\"{Model}\"")}.");
        }

        void Check(bool ok, string key, string expected, object? found)
        {
            if (!ok)
            {
                throw new InvalidDataException(FormattableString.Invariant($"{file}: {at}.{key}: expected {expected}; found {found}."));
            }
        }
    }
}
