namespace WindowDataset.Pipeline;

/// <summary>
/// One run of a read: <paramref name="Count"/> batches from batch <paramref name="Batch"/> of epoch
/// <paramref name="Epoch"/> through one gatherer (one sampler split). A read is one segment, or two when it starts
/// in an epoch resumed with another world size (that epoch's split differs from the later epochs').
/// </summary>
/// <param name="Gatherer">Gathers the batches; its sampler numbers them.</param>
/// <param name="Epoch">The first batch's epoch.</param>
/// <param name="Batch">The first batch's index in its epoch.</param>
/// <param name="Count">Batches in stream order (a run may cross epochs of its sampler).</param>
/// <param name="TracksPosition">Whether delivering its batches moves the loader's position.</param>
internal readonly record struct ReadSegment(BatchGatherer Gatherer, long Epoch, long Batch, long Count, bool TracksPosition);
