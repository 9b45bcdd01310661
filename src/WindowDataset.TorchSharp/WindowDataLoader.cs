using System.Collections;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>
/// A drop-in for TorchSharp's <c>DataLoader</c> over a <see cref="WindowIterableDataset"/>: enumerating it runs
/// one epoch and yields <c>[input, target]</c> tensor lists of shape (B, W, *RowShape) and the target's. Unlike
/// TorchSharp's loader, batches are prefetched by background workers within a memory budget, each enumeration is
/// the next epoch with a new permutation (reproducible from the seed), and a batch's tensors are the loader's
/// buffers: they are disposed when the next batch is requested (TorchSharp's <c>disposeBatch: true</c>).
/// </summary>
public sealed class WindowDataLoader : IEnumerable<IList<Tensor>>, IDisposable
{
    internal WindowDataLoader(TensorWindowLoader loader)
    {
        Loader = loader;
    }

    /// <summary>The tensor loader underneath (statistics, position).</summary>
    public TensorWindowLoader Loader { get; }

    /// <summary>Batches per epoch, like TorchSharp's <c>DataLoader.Count</c>.</summary>
    public long Count => Loader.BatchesPerEpoch;

    /// <summary>The epoch the next enumeration reads; incremented by each enumeration. Set it to resume.</summary>
    public long Epoch { get; set; }

    /// <summary>Runs the next epoch.</summary>
    public IEnumerator<IList<Tensor>> GetEnumerator() => Run(Epoch++).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops the workers and frees the tensor pool.</summary>
    public void Dispose() => Loader.Dispose();

    private IEnumerable<IList<Tensor>> Run(long epoch)
    {
        foreach (TensorBatch batch in Loader.Read(ReadRange.ForEpoch(epoch)))
        {
            Tensor? target = batch.Target;
            yield return target is null ? [batch.Input] : [batch.Input, target];
        }
    }
}
