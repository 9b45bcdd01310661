using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>
/// A <see cref="WindowLoader"/> whose batches are torch tensors written in place by its workers: the buffer pool
/// is allocated as tensors (<see cref="TensorBatchAllocator"/>), so on the CPU a batch's <see cref="TensorBatch.Input"/>
/// is the loader's buffer itself, and on CUDA it is a non-blocking copy from page-locked memory.
/// </summary>
/// <example>
/// <code>
/// using var loader = new TensorWindowLoader(WindowLoaderOptions.LoadFile("loader.json"));
/// for (int epoch = 0; epoch &lt; 10; epoch++)
/// {
///     foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(epoch)))
///     {
///         using var scope = torch.NewDisposeScope(); // frees the step's temporaries, never the batch
///         Tensor loss = loss_fn(model.forward(batch.Input), batch.Target!);
///         optimizer.zero_grad(); loss.backward(); optimizer.step();
///     }
/// }
/// </code>
/// </example>
public sealed class TensorWindowLoader : IDisposable, IAsyncDisposable
{
    private readonly TensorLoaderOptions _tensorOptions;

    /// <summary>Creates the loader (opens and validates the files; the tensor pool is allocated when the first epoch starts).</summary>
    /// <param name="options">The loader options (source, window, batch size, sampler, target, memory budget, output type...).</param>
    /// <param name="tensorOptions">Device and pinning; null for the CPU.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the output type has no torch dtype.</exception>
    /// <exception cref="ArgumentException">A value is missing or invalid: no source, an empty path, an unknown dtype, an empty starts list, a file target without labels.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public TensorWindowLoader(WindowLoaderOptions options, TensorLoaderOptions? tensorOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tensorOptions = tensorOptions ?? new TensorLoaderOptions();
        _tensorOptions.Validate();
        Allocator = new TensorBatchAllocator(_tensorOptions.ResolvePin());
        Loader = new WindowLoader(options, Allocator);
        try
        {
            DType = TensorTypes.ToScalarType(Loader.OutputType);
            TargetDType = Loader.TargetItemShape is null ? null : TensorTypes.ToScalarType(Loader.TargetElementType);
            for (int k = 1; k < Loader.InputCount; k++)
            {
                TensorTypes.ToScalarType(Loader.GetInputElementType(k));
            }
        }
        catch
        {
            Loader.Dispose();
            throw;
        }
    }

    /// <summary>The underlying loader (shapes, counts, <see cref="WindowLoader.Position"/>, statistics).</summary>
    public WindowLoader Loader { get; }

    /// <summary>dtype of <see cref="TensorBatch.Input"/>.</summary>
    public ScalarType DType { get; }

    /// <summary>dtype of <see cref="TensorBatch.Target"/>; null without target.</summary>
    public ScalarType? TargetDType { get; }

    /// <summary>The device batches are delivered on.</summary>
    public Device Device => _tensorOptions.Device ?? CPU;

    /// <summary>Batches per epoch (this rank).</summary>
    public long BatchesPerEpoch => Loader.BatchesPerEpoch;

    /// <summary>Windows per epoch (this rank).</summary>
    public long WindowsPerEpoch => Loader.WindowsPerEpoch;

    internal TensorBatchAllocator Allocator { get; }

    /// <summary>
    /// The batches of <paramref name="range"/>, in order, as one stream (each batch carries its
    /// <see cref="TensorBatch.Epoch"/>; the workers keep running across epoch boundaries). Each batch (and its
    /// tensors) is disposed when the next is requested or the enumeration ends. The order is a pure function of the
    /// options and the range, so each epoch is reshuffled reproducibly.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch index of the range is past <see cref="BatchesPerEpoch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another enumeration of this loader is running (thrown by the first <c>MoveNext</c>).</exception>
    public IEnumerable<TensorBatch> Read(ReadRange range, CancellationToken cancellationToken = default) =>
        Wrap(Loader.Read(range, cancellationToken));

    /// <summary>The batches of <paramref name="range"/>, asynchronously (see <see cref="Read"/>).</summary>
    public IAsyncEnumerable<TensorBatch> ReadAsync(ReadRange range, CancellationToken cancellationToken = default) =>
        WrapAsync(Loader.ReadAsync(range, cancellationToken), cancellationToken);

    /// <summary>Counters since creation: windows per second, time the consumer waited for data, ...</summary>
    public LoaderStatistics GetStatistics() => Loader.GetStatistics();

    /// <summary>Stops the workers and disposes every pool tensor (a batch still held is freed when disposed).</summary>
    public void Dispose() => Loader.Dispose();

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync() => Loader.DisposeAsync();

    private IEnumerable<TensorBatch> Wrap(IEnumerable<WindowBatch> source)
    {
        TensorBatch? current = null;
        using IEnumerator<WindowBatch> e = source.GetEnumerator();
        try
        {
            while (true)
            {
                // Dispose our views before the loader may refill the buffer.
                current?.Dispose();
                current = null;
                if (!e.MoveNext())
                {
                    yield break;
                }

                current = new TensorBatch(e.Current, _tensorOptions);
                yield return current;
            }
        }
        finally
        {
            current?.Dispose();
        }
    }

    private async IAsyncEnumerable<TensorBatch> WrapAsync(IAsyncEnumerable<WindowBatch> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TensorBatch? current = null;
        IAsyncEnumerator<WindowBatch> e = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                current?.Dispose();
                current = null;
                if (!await e.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                current = new TensorBatch(e.Current, _tensorOptions);
                yield return current;
            }
        }
        finally
        {
            current?.Dispose();
            await e.DisposeAsync().ConfigureAwait(false);
        }
    }
}
