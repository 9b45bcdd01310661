using System.Runtime.InteropServices;
using WindowDataset.Memory;
using WindowDataset.Pipeline;

namespace WindowDataset;

/// <summary>
/// One batch of windows, shape (Count, Window, *RowShape) in C order, in a buffer the loader owns. The batch is
/// valid until it is disposed or the next batch is requested from the same enumeration, whichever comes first;
/// after that every data accessor throws <see cref="ObjectDisposedException"/> (the counts and shapes stay readable)
/// and the buffer is reused.
/// </summary>
public sealed unsafe class WindowBatch : IDisposable
{
    private readonly BatchSlot _slot;
    private readonly BatchLayout _layout;
    private readonly Action<BatchSlot> _release;
    private readonly int _generation;
    private readonly long _windowStride;
    private LeaseMemoryManager? _memory;
    private LeaseMemoryManager? _targetMemory;
    private LeaseMemoryManager?[]? _inputMemory;
    private IReadOnlyList<long>? _shape;
    private IReadOnlyList<long>? _targetShape;
    private int _disposed;

    internal WindowBatch(BatchSlot slot, BatchLayout layout, Action<BatchSlot> release)
    {
        _slot = slot;
        _layout = layout;
        _release = release;
        _generation = slot.Generation;
        Epoch = slot.Epoch;
        Index = slot.Index;
        Count = slot.Count;
        _windowStride = slot.WindowStrideBytes;
    }

    /// <summary>The epoch this batch belongs to.</summary>
    public long Epoch { get; }

    /// <summary>The batch's index within its epoch (for this rank).</summary>
    public long Index { get; }

    /// <summary>Windows in this batch (the batch size, or fewer for the last batch of an epoch).</summary>
    public int Count { get; }

    /// <summary>Rows per window.</summary>
    public int Window => _layout.Window;

    /// <summary>Shape of one row.</summary>
    public IReadOnlyList<int> RowShape => _layout.RowShape;

    /// <summary>Element type of <see cref="Data"/>.</summary>
    public ElementType ElementType => _layout.ElementType;

    /// <summary>The data's shape: (Count, Window, *RowShape).</summary>
    public IReadOnlyList<long> Shape => _shape ??= _layout.InputShapeView(Count);

    /// <summary>Bytes of one window in the output type.</summary>
    public long WindowBytes => _layout.WindowBytes;

    /// <summary>The global start row (in the concatenated array) of each window.</summary>
    public ReadOnlySpan<long> Starts
    {
        get
        {
            ThrowIfDisposed();
            return _slot.Starts.AsSpan(0, Count);
        }
    }

    /// <summary>
    /// True when the batch is a strided view over one run of rows (<see cref="WindowLoaderOptions.StridedWindows"/>):
    /// window i starts <see cref="WindowStrideBytes"/> x i bytes after <see cref="Pointer"/> and windows share rows.
    /// Read it with <see cref="GetWindow"/> or <see cref="RunData"/>; <see cref="Data"/> and <see cref="Memory"/> throw.
    /// </summary>
    public bool IsStrided => _windowStride != 0;

    /// <summary>Bytes between the starts of consecutive windows: <see cref="WindowBytes"/>, or stride x row bytes for a strided view.</summary>
    public long WindowStrideBytes => _windowStride != 0 ? _windowStride : _layout.WindowBytes;

    /// <summary>
    /// The bytes the batch's windows cover, from the first window's first row to the last window's last row:
    /// (Count - 1) x <see cref="WindowStrideBytes"/> + <see cref="WindowBytes"/>. The same as <see cref="Data"/> for a batch that is not strided.
    /// Read-only for a strided view: windows share its rows.
    /// </summary>
    public Span<byte> RunData
    {
        get
        {
            ThrowIfDisposed();
            return new Span<byte>((void*)_slot.Input.Pointer, checked((int)(((Count - 1) * WindowStrideBytes) + _layout.WindowBytes)));
        }
    }

    /// <summary>Window <paramref name="index"/>'s W rows, C order, whether the batch is strided or not (read-only for a strided view: windows share rows).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in 0..Count-1.</exception>
    public Span<byte> GetWindow(int index)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new Span<byte>((void*)(_slot.Input.Pointer + (nint)(index * WindowStrideBytes)), checked((int)_layout.WindowBytes));
    }

    /// <summary>Window <paramref name="index"/> as elements of <typeparamref name="T"/>, whose size must match <see cref="ElementType"/>.</summary>
    public Span<T> GetWindowData<T>(int index)
        where T : unmanaged => Cast<T>(GetWindow(index), ElementType);

    /// <summary>The windows' bytes, C order.</summary>
    /// <exception cref="InvalidOperationException">The batch is a strided view (<see cref="IsStrided"/>): use <see cref="GetWindow"/> or <see cref="RunData"/>.</exception>
    public Span<byte> Data
    {
        get
        {
            ThrowIfDisposed();
            ThrowIfStrided();
            return new Span<byte>((void*)_slot.Input.Pointer, checked((int)(Count * _layout.WindowBytes)));
        }
    }

    /// <summary>
    /// The windows' bytes as <see cref="Memory{T}"/>, valid only while the batch is: its <see cref="Memory{T}.Span"/>
    /// and <see cref="Memory{T}.Pin"/> throw <see cref="ObjectDisposedException"/> once the batch is disposed.
    /// </summary>
    public Memory<byte> Memory
    {
        get
        {
            ThrowIfDisposed();
            ThrowIfStrided();
            _memory ??= new LeaseMemoryManager(_slot, _generation, _slot.Input.Pointer, checked((int)(Count * _layout.WindowBytes)), $"Batch {Index} of epoch {Epoch}");
            return _memory.Memory;
        }
    }

    /// <summary>Address of the first window, for interop.</summary>
    public nint Pointer
    {
        get
        {
            ThrowIfDisposed();
            return _slot.Input.Pointer;
        }
    }

    /// <summary>The buffer the batch lives in, as given by the loader's allocator (adapters cast it to their own type).</summary>
    public IBatchMemory Buffer
    {
        get
        {
            ThrowIfDisposed();
            return _slot.Input;
        }
    }

    /// <summary>True when the loader has a target.</summary>
    public bool HasTarget => _layout.TargetItemShape is not null;

    /// <summary>Element type of <see cref="TargetData"/>.</summary>
    public ElementType TargetElementType => _layout.TargetElementType;

    /// <summary>The targets' shape: (Count, Horizon, *RowShape) for next-row targets, (Count, *labelRowShape) for file targets; null without target.</summary>
    public IReadOnlyList<long>? TargetShape => HasTarget ? _targetShape ??= _layout.TargetShapeView(Count) : null;

    /// <summary>The targets' bytes, C order; empty without target.</summary>
    public Span<byte> TargetData
    {
        get
        {
            ThrowIfDisposed();
            return _slot.Target is null ? default : new Span<byte>((void*)_slot.Target.Pointer, checked((int)(Count * _layout.TargetItemBytes)));
        }
    }

    /// <summary>The targets' bytes as <see cref="Memory{T}"/> (empty without target), checked like <see cref="Memory"/>.</summary>
    public Memory<byte> TargetMemory
    {
        get
        {
            ThrowIfDisposed();
            if (_slot.Target is null)
            {
                return default;
            }

            _targetMemory ??= new LeaseMemoryManager(_slot, _generation, _slot.Target.Pointer, checked((int)(Count * _layout.TargetItemBytes)), $"Targets of batch {Index} of epoch {Epoch}");
            return _targetMemory.Memory;
        }
    }

    /// <summary>The target buffer as given by the allocator; null without target.</summary>
    public IBatchMemory? TargetBuffer
    {
        get
        {
            ThrowIfDisposed();
            return _slot.Target;
        }
    }

    /// <summary>The data as elements of <typeparamref name="T"/>, whose size must match <see cref="ElementType"/>.</summary>
    public Span<T> GetData<T>()
        where T : unmanaged => Cast<T>(Data, ElementType);

    /// <summary>The targets as elements of <typeparamref name="T"/>.</summary>
    public Span<T> GetTargetData<T>()
        where T : unmanaged => Cast<T>(TargetData, TargetElementType);

    /// <summary>
    /// Inputs in this batch: the number of <see cref="WindowLoaderOptions.Inputs"/>, each in its own buffer, or 1
    /// (a single source, or inputs concatenated along the row). Input 0 is <see cref="Data"/>.
    /// </summary>
    public int InputCount => _layout.InputBuffers;

    /// <summary>Name of input <paramref name="input"/>: its <c>name</c> key, or "input" for a single source or concatenated inputs.</summary>
    public string GetInputName(int input) => InputLayouts.Name(_layout, input);

    /// <summary>The index of the input named <paramref name="name"/>; -1 when none has that name.</summary>
    public int IndexOfInput(string name) => InputLayouts.IndexOf(_layout, name);

    /// <summary>Element type of input <paramref name="input"/> (each input has its own; input 0's is <see cref="ElementType"/>).</summary>
    public ElementType GetInputElementType(int input) => InputLayouts.ElementType(_layout, input);

    /// <summary>Shape of one row of input <paramref name="input"/>.</summary>
    public IReadOnlyList<int> GetInputRowShape(int input) => InputLayouts.RowShape(_layout, input);

    /// <summary>Shape of input <paramref name="input"/>: (Count, Window, *rowShape of that input).</summary>
    public IReadOnlyList<long> GetInputShape(int input) =>
        input == 0 ? Shape : Array.AsReadOnly(_layout.Inputs![CheckedInput(input)].Shape(Count, Window));

    /// <summary>Input <paramref name="input"/>'s windows, C order (input 0: <see cref="Data"/>).</summary>
    public Span<byte> GetInputData(int input)
    {
        IBatchMemory buffer = GetInputBuffer(input);
        return new Span<byte>((void*)buffer.Pointer, checked((int)(Count * InputLayouts.WindowBytes(_layout, input))));
    }

    /// <summary>Input <paramref name="input"/>'s windows as elements of <typeparamref name="T"/>, whose size must match its element type.</summary>
    public Span<T> GetInputData<T>(int input)
        where T : unmanaged => Cast<T>(GetInputData(input), GetInputElementType(input));

    /// <summary>Input <paramref name="input"/>'s windows as <see cref="Memory{T}"/>, checked like <see cref="Memory"/>.</summary>
    public Memory<byte> GetInputMemory(int input)
    {
        if (CheckedInput(input) == 0)
        {
            return Memory;
        }

        IBatchMemory buffer = GetInputBuffer(input);
        _inputMemory ??= new LeaseMemoryManager?[InputCount];
        _inputMemory[input] ??= new LeaseMemoryManager(_slot, _generation, buffer.Pointer, checked((int)(Count * InputLayouts.WindowBytes(_layout, input))), $"Input {input} of batch {Index} of epoch {Epoch}");
        return _inputMemory[input]!.Memory;
    }

    /// <summary>The buffer input <paramref name="input"/> lives in, as given by the loader's allocator (input 0: <see cref="Buffer"/>).</summary>
    public IBatchMemory GetInputBuffer(int input)
    {
        CheckedInput(input);
        ThrowIfDisposed();
        return input == 0 ? _slot.Input : _slot.Extra[input - 1];
    }

    /// <summary>Returns the buffer to the loader. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _slot.EndLease();
            _release(_slot);
        }
    }

    private static Span<T> Cast<T>(Span<byte> bytes, ElementType type)
        where T : unmanaged
    {
        if (sizeof(T) != ElementTypeInfo.SizeOf(type))
        {
            throw new InvalidOperationException($"Element type mismatch: the batch holds {ElementTypeInfo.Name(type)} ({ElementTypeInfo.SizeOf(type)} bytes); found a request for {typeof(T).Name} ({sizeof(T)} bytes).");
        }

        return MemoryMarshal.Cast<byte, T>(bytes);
    }

    private int CheckedInput(int input)
    {
        InputLayouts.Check(_layout, input);
        return input;
    }

    private void ThrowIfStrided()
    {
        if (_windowStride != 0)
        {
            throw new InvalidOperationException($"Batch {Index} of epoch {Epoch} is a strided view (stridedWindows: true): its windows overlap in one run of rows, not (Count, Window, *row) layout; read them with GetWindow(i) or RunData.");
        }
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0 || _slot.Generation != _generation)
        {
            throw new ObjectDisposedException(nameof(WindowBatch), $"Batch {Index} of epoch {Epoch} was disposed (or the next batch was requested); its buffer has been reused.");
        }
    }
}
