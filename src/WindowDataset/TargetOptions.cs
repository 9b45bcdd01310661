namespace WindowDataset;

/// <summary>The target each window carries: the rows after it, or a row of a labels array.</summary>
public sealed class TargetOptions
{
    /// <summary>The kind of target.</summary>
    public TargetKind Kind { get; set; } = TargetKind.None;

    /// <summary><see cref="TargetKind.Next"/>: how many rows after the window (H). Windows whose target would run past the end of their shard are not sampled.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary><see cref="TargetKind.Next"/> with <see cref="WindowLoaderOptions.Inputs"/>: the input whose next rows are the target. Null: input 0.</summary>
    public string? Input { get; set; }

    /// <summary>
    /// <see cref="TargetKind.File"/>: the labels array, shape (N,) or (N, K...), with N the total row count of the
    /// input. The label of a window starting at row i is row <c>i + window - 1 + Offset</c>; windows whose label
    /// row falls outside the labels array are not sampled.
    /// </summary>
    public SourceOptions? Source { get; set; }

    /// <summary><see cref="TargetKind.File"/>: offset added to the window's last row to find its label row.</summary>
    public long Offset { get; set; }

    /// <summary>
    /// Rows skipped between the window's last row and a <see cref="TargetKind.Next"/> target (its rows start at
    /// last + 1 + LeadTime); added to a <see cref="TargetKind.File"/> label row. Default 0.
    /// </summary>
    public int LeadTime { get; set; }

    /// <summary>A deep copy.</summary>
    public TargetOptions Clone()
    {
        var copy = (TargetOptions)MemberwiseClone();
        copy.Source = Source?.Clone();
        return copy;
    }
}
