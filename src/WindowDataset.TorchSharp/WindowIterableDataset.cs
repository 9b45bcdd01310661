using TorchSharp;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>
/// The windows of an array as a TorchSharp <c>torch.utils.data.IterableDataset</c>: item <c>i</c> is the i-th
/// window in file order (every <c>stride</c>-th valid start, or the i-th of the explicit <c>starts</c>), as
/// <c>[input (Window, *RowShape), target]</c> (the target only when one is configured). It works with TorchSharp's
/// own <c>torch.utils.data.DataLoader</c>; <see cref="CreateLoader"/> gives the fast path with the same batch
/// shape: swap <c>torch.utils.data.DataLoader(dataset, 64, shuffle: true)</c> for
/// <c>dataset.CreateLoader(64, shuffle: true)</c>.
/// </summary>
public sealed class WindowIterableDataset : torch.utils.data.IterableDataset
{
    private readonly WindowLoaderOptions _options;
    private readonly WindowReader _index;
    private readonly long[] _inputShape;
    private readonly long[]? _targetShape;

    /// <summary>Opens the array described by <paramref name="options"/> (its sampler, batch size and rank settings are ignored here).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">A value is missing or invalid: no source, an empty path, an unknown dtype, an empty starts list, a file target without labels.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public WindowIterableDataset(WindowLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _index = new WindowReader(_options);
        try
        {
            DType = TensorTypes.ToScalarType(_index.OutputType);
            TargetDType = _index.TargetItemShape is null ? null : TensorTypes.ToScalarType(_index.TargetElementType);
        }
        catch
        {
            _index.Dispose();
            throw;
        }

        _inputShape = new long[1 + _index.RowShape.Count];
        _inputShape[0] = _index.Window;
        for (int i = 0; i < _index.RowShape.Count; i++)
        {
            _inputShape[i + 1] = _index.RowShape[i];
        }

        if (_index.TargetItemShape is { } t)
        {
            _targetShape = new long[t.Count];
            for (int i = 0; i < t.Count; i++)
            {
                _targetShape[i] = t[i];
            }
        }
    }

    /// <summary>A new copy, on every call, of the options the dataset was created with.</summary>
    public WindowLoaderOptions Options => _options.Clone();

    /// <summary>dtype of the input tensors.</summary>
    public ScalarType DType { get; }

    /// <summary>dtype of the target tensors; null without target.</summary>
    public ScalarType? TargetDType { get; }

    /// <summary>Number of windows (one per valid start, every <c>stride</c>-th, or one per explicit start).</summary>
    public override long Count => _index.Count;

    /// <summary>The global start row of item <paramref name="index"/>.</summary>
    public long GetStart(long index)
    {
        return _index.GetStart(index);
    }

    /// <summary>Reads item <paramref name="index"/> into new CPU tensors: <c>[input]</c> or <c>[input, target]</c>. The caller owns them.</summary>
    public override IList<Tensor> GetTensor(long index)
    {
        long start = GetStart(index);
        Tensor input = empty(_inputShape, DType, CPU);
        Tensor? target = null;
        try
        {
            _index.ReadWindow(start, input.bytes);
            if (_targetShape is null)
            {
                return [input];
            }

            target = empty(_targetShape, TargetDType!.Value, CPU);
            _index.ReadTarget(start, target.bytes);
            return [input, target];
        }
        catch
        {
            input.Dispose();
            target?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A DataLoader over this dataset with the same batches TorchSharp's would give (<c>[input (B, W, *RowShape), target]</c>),
    /// filled ahead of time by background workers straight into tensor storage, reshuffled every epoch.
    /// </summary>
    /// <param name="batchSize">Windows per batch.</param>
    /// <param name="shuffle">
    /// A new permutation of all valid starts every epoch (reproducible from <paramref name="seed"/> and the epoch);
    /// false for file order. As in the core loader, the options' stride applies to file order only.
    /// </param>
    /// <param name="seed">Seed of the shuffle; null for the options' seed.</param>
    /// <param name="dropLast">Drop the last short batch.</param>
    /// <param name="tensorOptions">Device and pinning; null for the CPU.</param>
    public WindowDataLoader CreateLoader(int batchSize, bool shuffle = true, ulong? seed = null, bool dropLast = false, TensorLoaderOptions? tensorOptions = null)
    {
        WindowLoaderOptions o = _options.Clone();
        o.BatchSize = batchSize;
        o.Sampler = shuffle ? SamplerKind.Permutation : SamplerKind.Sequential;
        o.Seed = seed ?? _options.Seed;
        o.DropLast = dropLast;
        o.WindowsPerEpoch = null;
        return new WindowDataLoader(new TensorWindowLoader(o, tensorOptions));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _index.Dispose();
        }

        base.Dispose(disposing);
    }
}
