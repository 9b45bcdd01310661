using System.Diagnostics;
using WindowDataset.Conversion;
using WindowDataset.Memory;
using WindowDataset.Sources;
using static System.FormattableString;

namespace WindowDataset.Pipeline;

/// <summary>
/// The aligned inputs of a loader (<see cref="WindowLoaderOptions.Inputs"/>): their open sources and readers, the
/// merged shard boundaries (a window must fit in one shard of every input), and the one place where each input's
/// rows of a window are read. Input 0's source and reader belong to the <see cref="LoaderPlan"/> (its
/// <c>Source</c> and <c>Reader</c>); this set owns the others.
/// </summary>
internal sealed class InputSet : IDisposable
{
    private readonly ArraySource[] _sources;
    private readonly RowReader?[] _readers;
    private readonly ElementType[] _types;
    private readonly string[] _names;
    private readonly int _window;
    private readonly int _horizon;
    private readonly int _targetInput;
    private InputLayout[] _layouts = [];
    private long _stagingBytes;

    private InputSet(ArraySource[] sources, ElementType[] types, string[] names, bool concat, int window, int horizon, int targetInput, ArraySource segments)
    {
        _sources = sources;
        _readers = new RowReader?[sources.Length];
        _types = types;
        _names = names;
        Concat = concat;
        _window = window;
        _horizon = horizon;
        _targetInput = targetInput;
        Segments = segments;
    }

    public int Count => _sources.Length;

    public bool Concat { get; }

    /// <summary>Input 0's source (owned by the plan).</summary>
    public ArraySource First => _sources[0];

    /// <summary>The element type of input 0's reader: its output type, or the common one with concat.</summary>
    public ElementType FirstType => _types[0];

    /// <summary>Every input's shard boundaries merged: a source of empty shards whose row ranges a window may not cross.</summary>
    public ArraySource Segments { get; }

    /// <summary>The chunk caches and RAM block caches of inputs 1.. (counted in the memory budget with the scratch).</summary>
    public long FixedBytes { get; private set; }

    /// <summary>The largest chunk of inputs 1.. (the decoders' pool buffers are sized by it); 0 when none is chunked.</summary>
    public long LargestExtraChunk { get; private set; }

    public IReadOnlyList<InputLayout> Layouts => _layouts;

    /// <summary>What input <paramref name="input"/>'s files hold.</summary>
    public ArrayInfo Info(int input)
    {
        if ((uint)input >= (uint)_sources.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(input), Invariant($"input: expected 0..{_sources.Length - 1} (the configured inputs); found {input}."));
        }

        return ArrayInfo.From(_sources[input]);
    }

    /// <summary>Opens every input and checks they line up. The caller owns input 0's source from then on.</summary>
    public static InputSet Open(WindowLoaderOptions options)
    {
        IList<InputOptions> inputs = options.Inputs!;
        var sources = new ArraySource[inputs.Count];
        int opened = 0;
        try
        {
            for (; opened < sources.Length; opened++)
            {
                sources[opened] = ArraySource.Open(inputs[opened].ToSource(), Invariant($"inputs[{opened}]"), options.Remote);
            }

            var types = new ElementType[sources.Length];
            var names = new string[sources.Length];
            for (int k = 0; k < sources.Length; k++)
            {
                ArraySource s = sources[k];
                names[k] = inputs[k].Name;
                types[k] = inputs[k].OutputType ?? options.OutputType ?? s.ElementType;
                if (!ElementConverter.CanConvert(s.ElementType, types[k]))
                {
                    throw new ArgumentOutOfRangeException(nameof(options), Invariant($"inputs[{k}].outputType: expected the file's type ({ElementTypeInfo.Name(s.ElementType)}), float32 or float64; found {ElementTypeInfo.Name(types[k])}."));
                }

                if (s.TotalRows != sources[0].TotalRows)
                {
                    throw new InvalidDataException(Invariant($"{s.Shards[0].Path}: inputs[{k}].rows: expected {sources[0].TotalRows} (the rows of inputs[0], '{names[0]}'); found {s.TotalRows}."));
                }
            }

            if (options.Concat)
            {
                for (int k = 1; k < types.Length; k++)
                {
                    if (types[k] != types[0])
                    {
                        throw new ArgumentOutOfRangeException(nameof(options), Invariant($"concat: expected one output type for every input (set outputType); found {ElementTypeInfo.Name(types[0])} for inputs[0] ('{names[0]}') and {ElementTypeInfo.Name(types[k])} for inputs[{k}] ('{names[k]}')."));
                    }
                }
            }

            int target = options.Target?.Input is { } named ? Configuration.InputRules.IndexOf(inputs, named) : 0;
            Debug.Assert(target >= 0, "target.input is checked by the rules");
            int horizon = options.Target?.Kind == TargetKind.Next ? options.Target.Horizon : 0;
            var set = new InputSet(sources, types, names, options.Concat, options.Window, horizon, target, Merge(sources));
            set.BuildLayouts();
            return set;
        }
        catch
        {
            for (int k = 0; k < opened; k++)
            {
                sources[k].Dispose();
            }

            throw;
        }
    }

    /// <summary>The layout's input part: row shape and window bytes of the main buffer, and every input's own layout.</summary>
    public BatchLayout Shape(BatchLayout layout)
    {
        if (!Concat)
        {
            return layout with { Inputs = _layouts, Concat = false };
        }

        long rowElements = 0, rowBytes = 0;
        foreach (ArraySource s in _sources)
        {
            rowElements += s.RowElements;
        }

        foreach (InputLayout l in _layouts)
        {
            rowBytes += l.RowBytes;
        }

        if (rowElements > int.MaxValue || rowBytes > ArraySource.MaxRowBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(layout), Invariant($"concat: expected a concatenated row of at most {ArraySource.MaxRowBytes} bytes; found {rowBytes}."));
        }

        return layout with { RowShape = [(int)rowElements], WindowBytes = _window * rowBytes, Inputs = _layouts, Concat = true };
    }

    /// <summary>The target of <c>next</c>: the horizon rows of the target input after each window, in its output type.</summary>
    public (int[] Shape, ElementType Type, long Bytes) NextTarget(int horizon)
    {
        ArraySource s = _sources[_targetInput];
        return ([horizon, .. s.RowShape], _types[_targetInput], horizon * s.RowElements * ElementTypeInfo.SizeOf(_types[_targetInput]));
    }

    /// <summary>Creates the readers of inputs 1.. (chunked ones with a cache of one chunk per reader thread).</summary>
    public void OpenReaders(IoMode io, PageCachePolicy pageCache, int readers)
    {
        for (int k = 1; k < _sources.Length; k++)
        {
            if (_readers[k] is not null)
            {
                continue;
            }

            ArraySource s = _sources[k];
            RowReader reader = RowReader.Create(s, _types[k], io, pageCache);
            long chunk = LargestChunk(s);
            if (chunk > 0)
            {
                int slots = Math.Max(1, readers);
                reader = new ChunkedRowReader(s, _types[k], pageCache, reader, new ChunkCache(chunk, slots));
                FixedBytes += chunk * slots;
                LargestExtraChunk = Math.Max(LargestExtraChunk, chunk);
            }

            FixedBytes += s.RemoteCacheBytes;
            _readers[k] = reader;
        }
    }

    /// <summary>Sets input 0's reader (the plan's, which may be replaced by a chunked one); returns this set.</summary>
    public InputSet WithFirst(RowReader reader)
    {
        _readers[0] = reader;
        return this;
    }

    /// <summary>Scratch one worker needs: the concat staging window, then the largest conversion scratch of any read.</summary>
    public long ScratchBytes
    {
        get
        {
            long bytes = 0;
            for (int k = 0; k < _readers.Length; k++)
            {
                bytes = Math.Max(bytes, _readers[k]!.ScratchBytes(_window));
            }

            if (_horizon > 0)
            {
                bytes = Math.Max(bytes, _readers[_targetInput]!.ScratchBytes(_horizon));
            }

            return _stagingBytes + bytes;
        }
    }

    /// <summary>Reads every input's window (and the <c>next</c> target) of each window of the slot.</summary>
    public unsafe void Gather(BatchSlot slot, BatchLayout layout, Span<byte> target, Span<byte> scratch, bool uncached, CancellationToken cancellationToken)
    {
        Span<byte> staging = scratch[..(int)_stagingBytes];
        Span<byte> conversion = scratch[(int)_stagingBytes..];
        int targetBytes = (int)layout.TargetItemBytes;
        for (int i = 0; i < slot.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = slot.Starts[i];
            int k = 0;
            try
            {
                for (k = 0; k < _sources.Length; k++)
                {
                    InputLayout l = _layouts[k];
                    if (Concat)
                    {
                        Span<byte> window = staging[..(int)l.WindowBytes];
                        ReadRows(k, start, 0, _window, window, conversion, uncached);
                        var main = new Span<byte>((void*)slot.Input.Pointer, checked((int)layout.InputBatchBytes));
                        Span<byte> into = main.Slice(checked((int)(i * layout.WindowBytes)), (int)layout.WindowBytes);
                        long rowBytes = layout.WindowBytes / _window;
                        for (int r = 0; r < _window; r++)
                        {
                            window.Slice((int)(r * l.RowBytes), (int)l.RowBytes).CopyTo(into[(int)((r * rowBytes) + l.RowOffset)..]);
                        }
                    }
                    else
                    {
                        IBatchMemory buffer = k == 0 ? slot.Input : slot.Extra[k - 1];
                        var all = new Span<byte>((void*)buffer.Pointer, checked((int)l.BatchBytes(layout.BatchSize)));
                        ReadRows(k, start, 0, _window, all.Slice(checked((int)(i * l.WindowBytes)), (int)l.WindowBytes), conversion, uncached);
                    }
                }

                if (_horizon > 0)
                {
                    k = _targetInput;
                    ReadRows(k, start, _window, _horizon, target.Slice(i * targetBytes, targetBytes), conversion, uncached: false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ArraySource s = _sources[Math.Min(k, _sources.Length - 1)];
                throw new IOException(Invariant($"{s.Shards[s.FindShard(start)].Path}: inputs[{k}]: reading the window at start row {start} (epoch {slot.Epoch}, batch {slot.Index}) failed: {ex.Message}"), ex);
            }
        }
    }

    /// <summary>Announces every input's rows of the slot's windows to the kernel.</summary>
    public void Hint(BatchSlot slot) => Hint(slot.Starts.AsSpan(0, slot.Count));

    public void Hint(ReadOnlySpan<long> starts)
    {
        int span = _window + _horizon;
        foreach (long start in starts)
        {
            for (int k = 0; k < _sources.Length; k++)
            {
                ArraySource s = _sources[k];
                int shard = s.FindShard(start);
                _readers[k]!.WillNeed(shard, start - s.Shards[shard].RowBase, span);
            }
        }
    }

    /// <summary>File bytes one window reads from all inputs (and its <c>next</c> target's rows when <paramref name="nextTarget"/>).</summary>
    public long FileBytesPerWindow(bool nextTarget)
    {
        long bytes = nextTarget ? _horizon * _sources[_targetInput].RowBytes : 0;
        foreach (ArraySource source in _sources)
        {
            bytes += _window * source.RowBytes;
        }

        return bytes;
    }

    /// <summary>Reads input 0's window (or the concatenated window) at a global start, synchronously.</summary>
    public void ReadWindow(long start, Span<byte> destination, Span<byte> scratch)
    {
        CheckStart(start, _window);
        if (!Concat)
        {
            ReadRows(0, start, 0, _window, destination, scratch[(int)_stagingBytes..], uncached: false);
            return;
        }

        long rowBytes = destination.Length / _window;
        for (int k = 0; k < _sources.Length; k++)
        {
            InputLayout l = _layouts[k];
            Span<byte> window = scratch[..(int)l.WindowBytes];
            ReadRows(k, start, 0, _window, window, scratch[(int)_stagingBytes..], uncached: false);
            for (int r = 0; r < _window; r++)
            {
                window.Slice((int)(r * l.RowBytes), (int)l.RowBytes).CopyTo(destination[(int)((r * rowBytes) + l.RowOffset)..]);
            }
        }
    }

    /// <summary>Reads the <c>next</c> target of the window at a global start, synchronously.</summary>
    public void ReadTarget(long start, Span<byte> destination, Span<byte> scratch)
    {
        CheckStart(start, _window + _horizon);
        ReadRows(_targetInput, start, _window, _horizon, destination, scratch[(int)_stagingBytes..], uncached: false);
    }

    /// <summary>Throws unless a window of <paramref name="span"/> rows at <paramref name="start"/> lies in one shard of every input.</summary>
    public void CheckStart(long start, long span)
    {
        for (int k = 0; k < _sources.Length; k++)
        {
            ArraySource s = _sources[k];
            if (start < 0 || start >= s.TotalRows)
            {
                throw new ArgumentOutOfRangeException(nameof(start), Invariant($"start row: expected 0..{s.TotalRows - 1}; found {start}."));
            }

            ShardFile shard = s.Shards[s.FindShard(start)];
            if (start - shard.RowBase + span > shard.Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(start),
                    Invariant($"start row {start}: expected a window of {span} rows inside {shard.Path} (inputs[{k}], rows {shard.RowBase}..{shard.RowBase + shard.Rows - 1}); found one that runs past its end."));
            }
        }
    }

    public void Dispose()
    {
        for (int k = 1; k < _sources.Length; k++)
        {
            _readers[k]?.Dispose();
            _sources[k].Dispose();
        }
    }

    /// <summary>
    /// The one place an input's rows are read: rows [offset, offset + rows) after the window's global start, from
    /// the input's own shard. Any change to which rows make a window (dilation) belongs here, for every input.
    /// </summary>
    private void ReadRows(int k, long start, int offset, int rows, Span<byte> destination, Span<byte> scratch, bool uncached)
    {
        ArraySource s = _sources[k];
        int shard = s.FindShard(start);
        long local = start - s.Shards[shard].RowBase + offset;
        RowReader reader = _readers[k]!;
        if (uncached)
        {
            reader.ReadUncached(shard, local, rows, destination, scratch);
        }
        else
        {
            reader.Read(shard, local, rows, destination, scratch);
        }
    }

    private void BuildLayouts()
    {
        _layouts = new InputLayout[_sources.Length];
        long offset = 0;
        for (int k = 0; k < _sources.Length; k++)
        {
            ArraySource s = _sources[k];
            long rowBytes = s.RowElements * ElementTypeInfo.SizeOf(_types[k]);
            _layouts[k] = new InputLayout(_names[k], s.RowShape, _types[k], _window * rowBytes, rowBytes, Concat ? offset : 0);
            offset += rowBytes;
            if (Concat)
            {
                _stagingBytes = Math.Max(_stagingBytes, _window * rowBytes);
            }
        }
    }

    /// <summary>The union of every input's shard boundaries, as a source of empty shards (for the start index).</summary>
    private static ArraySource Merge(ArraySource[] sources)
    {
        var cuts = new SortedSet<long>();
        foreach (ArraySource s in sources)
        {
            foreach (ShardFile shard in s.Shards)
            {
                cuts.Add(shard.RowBase);
            }
        }

        long total = sources[0].TotalRows;
        cuts.Add(total);
        var segments = new List<ShardFile>(cuts.Count);
        long previous = -1;
        foreach (long cut in cuts)
        {
            if (previous >= 0 && cut > previous)
            {
                ArraySource first = sources[0];
                segments.Add(new ShardFile(first.Shards[first.FindShard(previous)].Path, null, 0, -1, cut - previous, previous, "segment"));
            }

            previous = cut;
        }

        return ArraySource.FromShards([.. segments], ElementType.UInt8, bigEndian: false, []);
    }

    private static long LargestChunk(ArraySource source)
    {
        long largest = 0;
        foreach (ShardFile s in source.Shards)
        {
            if (s.Chunks is { } c)
            {
                largest = Math.Max(largest, c.ChunkBytes);
            }
        }

        return largest;
    }
}
