using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>
/// One batch as tensors: <see cref="Input"/> of shape (Count, Window, *RowShape) and, when a target is configured,
/// <see cref="Target"/>. On the CPU both are views of the loader's buffers (the workers wrote into their storage:
/// no copy); on CUDA they are device copies.
/// <para>
/// Lifetime: a batch and its tensors are valid until the batch is disposed or the next batch is requested from
/// the same enumeration, whichever comes first; then the tensors are disposed and the buffer is refilled. The
/// tensors belong to the batch, not to any dispose scope: a <c>torch.NewDisposeScope()</c> around the training
/// step does not free them, and disposing them yourself is harmless. Use
/// <c>Input.clone()</c> to keep data beyond the batch.
/// </para>
/// </summary>
public sealed class TensorBatch : IDisposable
{
    private readonly WindowBatch _source;
    private readonly Device? _cudaDevice;
    private Tensor? _input;
    private Tensor? _target;
    private readonly Tensor?[] _inputs;
    private int _disposed;

    internal TensorBatch(WindowBatch source, TensorLoaderOptions options)
    {
        _source = source;
        Epoch = source.Epoch;
        Index = source.Index;
        Count = source.Count;
        var memory = (TensorBatchMemory)source.Buffer;
        var targetMemory = (TensorBatchMemory?)source.TargetBuffer;
        _inputs = new Tensor?[source.InputCount];
        try
        {
            _input = source.IsStrided || memory.Shape[1] != source.Window
                ? Deliver(StridedView(memory.Tensor, source), options)
                : Deliver(memory, source.Count, options);
            _target = targetMemory is null ? null : Deliver(targetMemory, source.Count, options);
            _inputs[0] = _input;
            for (int k = 1; k < _inputs.Length; k++)
            {
                _inputs[k] = Deliver((TensorBatchMemory)source.GetInputBuffer(k), source.Count, options);
            }
        }
        catch
        {
            _input?.Dispose();
            _target?.Dispose();
            for (int k = 1; k < _inputs.Length; k++)
            {
                _inputs[k]?.Dispose();
            }

            throw;
        }

        _cudaDevice = options.IsCuda ? options.Device : null;
    }

    /// <summary>The epoch this batch belongs to.</summary>
    public long Epoch { get; }

    /// <summary>The batch's index within its epoch (for this rank).</summary>
    public long Index { get; }

    /// <summary>Windows in this batch (the batch size, or fewer for the last batch).</summary>
    public int Count { get; }

    /// <summary>
    /// The windows, shape (Count, Window, *RowShape), in the loader's output dtype. With
    /// <see cref="WindowLoaderOptions.StridedWindows"/> a sequential batch is an <c>as_strided</c> view over the one
    /// run of rows its windows cover (<see cref="IsStrided"/>): windows share storage, so the tensor is read-only for
    /// the consumer (an in-place operation would change the overlapping windows too; <c>clone()</c> to get a copy).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The batch was disposed or the next one was requested.</exception>
    public Tensor Input
    {
        get
        {
            ThrowIfDisposed();
            return _input!;
        }
    }

    /// <summary>Inputs in this batch: one per <see cref="WindowLoaderOptions.Inputs"/>, or 1 for a single source or concatenated inputs.</summary>
    public int InputCount => _inputs.Length;

    /// <summary>
    /// Input <paramref name="input"/>'s windows, shape (Count, Window, *its row shape), in its own dtype; input 0 is
    /// <see cref="Input"/>. On the CPU a view of that input's own loader buffer, like <see cref="Input"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="input"/> is not 0..<see cref="InputCount"/> - 1.</exception>
    /// <exception cref="ObjectDisposedException">The batch was disposed or the next one was requested.</exception>
    public Tensor GetInput(int input)
    {
        ThrowIfDisposed();
        if ((uint)input >= (uint)_inputs.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"input: expected 0..{_inputs.Length - 1} (the batch's inputs); found {input}.");
        }

        return _inputs[input]!;
    }

    /// <summary>The input named <paramref name="name"/> (its <c>name</c> key; "input" for a single source or concatenated inputs).</summary>
    /// <exception cref="KeyNotFoundException">No input has that name.</exception>
    /// <exception cref="ObjectDisposedException">The batch was disposed or the next one was requested.</exception>
    public Tensor GetInput(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        int index = _source.IndexOfInput(name);
        if (index < 0)
        {
            var names = new string[_inputs.Length];
            for (int k = 0; k < names.Length; k++)
            {
                names[k] = "'" + _source.GetInputName(k) + "'";
            }

            throw new KeyNotFoundException($"input: expected one of {string.Join(", ", names)}; found '{name}'.");
        }

        return _inputs[index]!;
    }

    /// <summary>Name of input <paramref name="input"/>.</summary>
    public string GetInputName(int input) => _source.GetInputName(input);

    /// <summary>
    /// The targets: shape (Count, Horizon, *RowShape) for <c>next</c> targets, (Count, *labelRowShape) for
    /// <c>file</c> targets; null without target.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The batch was disposed or the next one was requested.</exception>
    public Tensor? Target
    {
        get
        {
            ThrowIfDisposed();
            return _target;
        }
    }

    /// <summary>True when <see cref="Input"/> is a strided view whose windows share rows (on the CPU).</summary>
    public bool IsStrided => _source.IsStrided;

    /// <summary>The global start row of each window (valid while the batch is).</summary>
    public ReadOnlySpan<long> Starts
    {
        get
        {
            ThrowIfDisposed();
            return _source.Starts;
        }
    }

    /// <summary>The loader's batch (its buffer is the input tensor's storage on the CPU).</summary>
    internal WindowBatch Source => _source;

    /// <summary>Disposes the batch's tensors and returns its buffers to the loader. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_cudaDevice is not null)
        {
            // A non-blocking copy may still be reading the page-locked buffer: finish it before a worker refills it.
            cuda.synchronize(_cudaDevice);
        }

        _input?.Dispose();
        _target?.Dispose();
        for (int k = 1; k < _inputs.Length; k++)
        {
            _inputs[k]?.Dispose();
        }

        _input = null;
        _target = null;
        Array.Clear(_inputs);
        _source.Dispose();
    }

    private static Tensor Deliver(TensorBatchMemory memory, int count, TensorLoaderOptions options)
    {
        // A view of the pool tensor (the full buffer, or its first rows for a short last batch), made by the worker
        // that filled it; detached from whatever dispose scope the consumer is in (a view made here as a fallback
        // would join it): the batch disposes it.
        Tensor view = memory.TakeView(count);
        view.DetachFromDisposeScope();
        if (!options.IsCuda)
        {
            return view;
        }

        try
        {
            Tensor copy = view.to(options.Device!, non_blocking: options.NonBlocking && memory.IsPinned);
            copy.DetachFromDisposeScope();
            return copy;
        }
        finally
        {
            view.Dispose();
        }
    }

    /// <summary>(Count, Window, *RowShape) over the buffer's storage, windows <see cref="WindowBatch.WindowStrideBytes"/> apart.</summary>
    private static Tensor StridedView(Tensor pool, WindowBatch source)
    {
        IReadOnlyList<int> row = source.RowShape;
        long[] shape = new long[2 + row.Count];
        long[] strides = new long[shape.Length];
        long element = 1;
        for (int i = row.Count - 1; i >= 0; i--)
        {
            shape[i + 2] = row[i];
            strides[i + 2] = element;
            element *= row[i];
        }

        shape[0] = source.Count;
        shape[1] = source.Window;
        strides[1] = element;
        strides[0] = source.WindowStrideBytes / ElementTypeInfo.SizeOf(source.ElementType);
        return pool.as_strided(shape, strides);
    }

    private static Tensor Deliver(Tensor view, TensorLoaderOptions options)
    {
        view.DetachFromDisposeScope();
        if (!options.IsCuda)
        {
            return view;
        }

        try
        {
            // The device copy is contiguous: the overlap stays on the host.
            using Tensor dense = view.contiguous();
            Tensor copy = dense.to(options.Device!, non_blocking: false);
            copy.DetachFromDisposeScope();
            return copy;
        }
        finally
        {
            view.Dispose();
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(TensorBatch), $"Batch {Index} of epoch {Epoch} was disposed (or the next batch was requested); its tensors have been disposed.");
        }
    }
}
