namespace WindowDataset;

/// <summary>What a batch carries besides its input windows.</summary>
public enum TargetKind
{
    /// <summary>No target.</summary>
    None,

    /// <summary>The <see cref="TargetOptions.Horizon"/> rows right after each window (forecasting).</summary>
    Next,

    /// <summary>A row of a second array (labels), at the window's last row plus <see cref="TargetOptions.Offset"/>.</summary>
    File,
}
