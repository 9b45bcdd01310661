namespace WindowDataset;

/// <summary>
/// Where a loader is in its stream: the next batch to deliver. Small and serializable (System.Text.Json);
/// pass it to <see cref="ReadRange.From"/> to continue exactly where a run stopped.
/// </summary>
/// <param name="Epoch">The epoch.</param>
/// <param name="Batch">The next batch index within that epoch.</param>
public readonly record struct LoaderState(long Epoch, long Batch);
