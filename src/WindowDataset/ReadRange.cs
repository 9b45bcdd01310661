namespace WindowDataset;

/// <summary>
/// Which batches a read delivers: the half-open interval [<see cref="Start"/>, <see cref="End"/>) of positions in
/// the loader's stream of epochs. Positions are (epoch, batch) pairs; batch <c>BatchesPerEpoch</c> of epoch e is the
/// same position as batch 0 of epoch e + 1.
/// </summary>
public readonly record struct ReadRange
{
    /// <summary>Creates the range [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is negative, or <paramref name="end"/> comes before <paramref name="start"/>.</exception>
    public ReadRange(LoaderState start, LoaderState end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start.Epoch, nameof(start));
        ArgumentOutOfRangeException.ThrowIfNegative(start.Batch, nameof(start));
        ArgumentOutOfRangeException.ThrowIfNegative(end.Epoch, nameof(end));
        ArgumentOutOfRangeException.ThrowIfNegative(end.Batch, nameof(end));
        if (end.Epoch < start.Epoch || (end.Epoch == start.Epoch && end.Batch < start.Batch))
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"end: expected a position at or after the start ({start}); found {end}.");
        }

        Start = start;
        End = end;
    }

    /// <summary>The first position delivered.</summary>
    public LoaderState Start { get; }

    /// <summary>The first position not delivered.</summary>
    public LoaderState End { get; }

    /// <summary>Every batch of one epoch.</summary>
    public static ReadRange ForEpoch(long epoch) => ForEpochs(epoch, 1);

    /// <summary>The batches of <paramref name="count"/> consecutive epochs as one stream (the workers do not stop between epochs).</summary>
    public static ReadRange ForEpochs(long firstEpoch, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new ReadRange(new LoaderState(firstEpoch, 0), new LoaderState(firstEpoch + count, 0));
    }

    /// <summary>Batches [<paramref name="startBatch"/>, <paramref name="endBatch"/>) of one epoch (to split an epoch between consumers).</summary>
    public static ReadRange ForBatches(long epoch, long startBatch, long endBatch) =>
        new(new LoaderState(epoch, startBatch), new LoaderState(epoch, endBatch));

    /// <summary>Continues from a saved <see cref="WindowLoader.Position"/>: the rest of its epoch and <paramref name="moreEpochs"/> epochs after it.</summary>
    public static ReadRange From(LoaderState position, long moreEpochs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(moreEpochs);
        return new ReadRange(position, new LoaderState(position.Epoch + 1 + moreEpochs, 0));
    }
}
