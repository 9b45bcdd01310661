using System.Buffers;
using WindowDataset.Pipeline;

namespace WindowDataset;

/// <summary>
/// Random access to the windows of an array, without workers or a buffer pool: window <c>i</c> in file order
/// (every <see cref="WindowLoaderOptions.Stride"/>-th valid start, or the i-th of <see cref="WindowLoaderOptions.Starts"/>),
/// read on the calling thread into the caller's memory, with the loader's conversion and targets. For index-based
/// datasets (<c>Dataset.GetTensor(i)</c>) and inspection; use <see cref="WindowLoader"/> for training streams.
/// Reads are safe to call from several threads at once, but not concurrently with <see cref="Dispose"/>.
/// </summary>
public sealed class WindowReader : IDisposable
{
    private readonly LoaderPlan _plan;
    private readonly long _scratchBytes;
    private int _disposed;

    /// <summary>Opens and validates the source. The options' sampler, batch, rank, worker and budget settings do not apply.</summary>
    /// <param name="options">The options; validated and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">A value is missing or invalid: no source, an empty path, an unknown dtype, an empty starts list, a file target without labels.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public WindowReader(WindowLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _plan = LoaderPlan.ForReader(options.Clone());
        _scratchBytes = _plan.Gatherer.ScratchBytes;
        Info = ArrayInfo.From(_plan.Source);
        TargetInfo = _plan.Labels is null ? null : ArrayInfo.From(_plan.Labels);
    }

    /// <summary>The input array.</summary>
    public ArrayInfo Info { get; }

    /// <summary>The labels array of a file target; null otherwise.</summary>
    public ArrayInfo? TargetInfo { get; }

    /// <summary>Windows in file order: one per <see cref="WindowLoaderOptions.Stride"/>-th valid start, or one per explicit start.</summary>
    public long Count => _plan.Sampler.BatchesPerEpoch;

    /// <summary>Number of valid window starts (windows, and their targets, never cross a shard boundary).</summary>
    public long ValidStarts => _plan.Index.Count;

    /// <summary>Rows per window.</summary>
    public int Window => _plan.Layout.Window;

    /// <summary>Shape of one row.</summary>
    public IReadOnlyList<int> RowShape => _plan.Layout.RowShape;

    /// <summary>Element type of windows read.</summary>
    public ElementType OutputType => _plan.Layout.ElementType;

    /// <summary>Bytes of one window in <see cref="OutputType"/>.</summary>
    public long WindowBytes => _plan.Layout.WindowBytes;

    /// <summary>Shape of one target: (Horizon, *RowShape) or the labels' row shape; null without target.</summary>
    public IReadOnlyList<int>? TargetItemShape => _plan.Layout.TargetItemShape;

    /// <summary>Element type of targets.</summary>
    public ElementType TargetElementType => _plan.Layout.TargetElementType;

    /// <summary>Bytes of one target; 0 without target.</summary>
    public long TargetBytes => _plan.Layout.TargetItemBytes;

    /// <summary>The global start row of window <paramref name="index"/> in file order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, <see cref="Count"/>).</exception>
    public long GetStart(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Span<int> shard = stackalloc int[1];
        Span<long> local = stackalloc long[1];
        Span<long> global = stackalloc long[1];
        _plan.Sampler.Fill(0, index, shard, local, global);
        return global[0];
    }

    /// <summary>Reads the window starting at global row <paramref name="start"/> into <paramref name="destination"/> (<see cref="WindowBytes"/> bytes).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="WindowBytes"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No window of the array starts at <paramref name="start"/>.</exception>
    /// <exception cref="IOException">The read failed; the message names the file and offset.</exception>
    public void ReadWindow(long start, Span<byte> destination)
    {
        if (destination.Length < WindowBytes)
        {
            throw new ArgumentException($"destination: expected at least {WindowBytes} bytes (one window); found {destination.Length}.", nameof(destination));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        byte[]? scratch = RentScratch();
        try
        {
            _plan.Gatherer.ReadWindow(start, destination[..(int)WindowBytes], scratch.AsSpan(0, (int)_scratchBytes));
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    /// <summary>Reads the target of the window starting at <paramref name="start"/> into <paramref name="destination"/> (<see cref="TargetBytes"/> bytes).</summary>
    /// <exception cref="InvalidOperationException">The options have no target.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="TargetBytes"/>.</exception>
    public void ReadTarget(long start, Span<byte> destination)
    {
        if (TargetItemShape is null)
        {
            throw new InvalidOperationException("target.kind: expected next or file to read targets; found none.");
        }

        if (destination.Length < TargetBytes)
        {
            throw new ArgumentException($"destination: expected at least {TargetBytes} bytes (one target); found {destination.Length}.", nameof(destination));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        byte[]? scratch = RentScratch();
        try
        {
            _plan.Gatherer.ReadTarget(start, destination[..(int)TargetBytes], scratch.AsSpan(0, (int)_scratchBytes));
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    /// <summary>Closes the files. Call it only once no read is running.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _plan.Dispose();
        }
    }

    private static void ReturnScratch(byte[]? scratch)
    {
        if (scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private byte[]? RentScratch() => _scratchBytes > 0 ? ArrayPool<byte>.Shared.Rent((int)_scratchBytes) : null;
}
