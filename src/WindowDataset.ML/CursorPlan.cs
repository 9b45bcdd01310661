namespace WindowDataset.ML;

/// <summary>
/// What one cursor reads. Rows are numbered in the cursor set's stream (the view's order, or the shuffled order):
/// the cursor returns stream rows [<see cref="FirstRow"/>, <see cref="EndRow"/>), which start at a batch boundary.
/// </summary>
/// <param name="Loader">The cursor's own loader options; null when no data column is active (the starts are known without I/O).</param>
/// <param name="LoaderStarts">The windows the loader reads, in order (<see cref="WindowLoader.ReadStarts"/>), for shuffled cursors; null: the loader's own batches.</param>
/// <param name="LoaderFirstBatch">First batch the loader reads (of its own epoch).</param>
/// <param name="LoaderEndBatch">End (exclusive) of the batches the loader reads.</param>
/// <param name="StreamBase">Stream row of the loader's batch 0, row 0.</param>
/// <param name="FirstRow">First stream row of this cursor.</param>
/// <param name="EndRow">End (exclusive) of this cursor's stream rows.</param>
/// <param name="Starts">Start row of each stream row, when known in advance (shuffled or start-only cursors); null otherwise.</param>
/// <param name="Ids">Row of the view (unshuffled position) of each stream row, for shuffled cursors; null: the stream row itself.</param>
internal sealed record CursorPlan(
    WindowLoaderOptions? Loader,
    IReadOnlyList<long>? LoaderStarts,
    long LoaderFirstBatch,
    long LoaderEndBatch,
    long StreamBase,
    long FirstRow,
    long EndRow,
    long[]? Starts,
    long[]? Ids);
