namespace WindowDataset;

/// <summary>
/// Per-element normalization of the input rows (and <c>next</c> targets) from a statistics file written by
/// <c>windowds stats</c> (or <see cref="ArrayStatistics.Save"/>), applied while the rows are converted:
/// <c>y = (x - mean) / std</c> (standard) or <c>(x - min) / (max - min)</c> (minMax), computed in float64 and
/// rounded once to the output type. A zero or missing std (or range) counts as 1, a missing mean (or min) as 0.
/// </summary>
public sealed class NormalizeOptions
{
    /// <summary>The statistics file; relative paths in a config are relative to the config file's folder.</summary>
    public string? Stats { get; set; }

    /// <summary>How values are scaled. Default <see cref="NormalizeMethod.Standard"/>.</summary>
    public NormalizeMethod Method { get; set; } = NormalizeMethod.Standard;

    /// <summary>A copy.</summary>
    public NormalizeOptions Clone() => (NormalizeOptions)MemberwiseClone();
}
