namespace WindowDataset;

/// <summary>What ranks do with the windows of an epoch that do not divide evenly among them.</summary>
public enum EvenRanks
{
    /// <summary>Drop the last <c>windows mod worldSize</c> windows of the epoch's order: every rank reads <c>windows / worldSize</c>.</summary>
    Drop,

    /// <summary>
    /// Pad every rank to <c>ceil(windows / worldSize)</c> windows by repeating windows from the start of the
    /// epoch's order (as PyTorch's <c>DistributedSampler</c>), so every window is read and every rank runs the same
    /// number of steps.
    /// </summary>
    Pad,
}
