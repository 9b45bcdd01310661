using Microsoft.ML;
using Microsoft.ML.Data;

namespace WindowDataset.ML;

/// <summary>
/// The windows of one epoch of a <see cref="WindowLoader"/> as an ML.NET <see cref="IDataView"/>: one row per
/// window, with the columns <c>Features</c> (the window, a fixed-size vector of dimensions (W, *RowShape)),
/// <c>Start</c> (Int64, the window's first row in the concatenated array) and, when the loader has a target,
/// <c>Label</c> (a scalar with <see cref="WindowDataViewOptions.LabelIndex"/>, else a vector of the target's shape).
/// </summary>
/// <remarks>
/// <para>
/// The view is immutable and thread safe: every cursor sees the same rows, since the loader's stream is a pure
/// function of (options, seed, epoch). Each cursor owns its own <see cref="WindowLoader"/> (one enumeration per
/// loader) and reads through its prefetching workers; getters copy from the current batch into the caller's
/// <see cref="VBuffer{T}"/> without allocating per row. Dispose cursors to stop their workers.
/// </para>
/// <para>
/// Shuffling (<c>rand</c> not null): the view's rows (in the loader's order) are permuted by a Fisher-Yates
/// shuffle seeded with <c>rand.NextInt64()</c>, so a shuffled cursor returns exactly the rows of an unshuffled one
/// (for the uniform sampler, the same multiset of starts), in another order, and identically seeded
/// <see cref="Random"/> instances give the same order. It costs 8 bytes per row for the view's starts (computed
/// once, without I/O) and 24 bytes per row for each shuffled cursoring.
/// </para>
/// <para>
/// Cursor sets split the stream into contiguous ranges of whole batches; <see cref="DataViewRow.Batch"/> is the
/// batch index in the stream (non-decreasing within a cursor, distinct between cursors of a set), so a stable
/// sort by batch of a set's rows equals the rows of <see cref="GetRowCursor"/> with the same <c>rand</c>. Row ids
/// are the row's position in the unshuffled view. The loader workers and memory budget are divided between the
/// cursors of a set (at least one worker and two batches each).
/// </para>
/// </remarks>
public sealed class WindowDataView : IDataView
{
    /// <summary>Name of the column holding the window.</summary>
    public const string FeaturesColumnName = "Features";

    /// <summary>Name of the column holding the window's first row (global, over all shards).</summary>
    public const string StartColumnName = "Start";

    /// <summary>Name of the column holding the target, present when the loader has one.</summary>
    public const string LabelColumnName = "Label";

    private readonly WindowLoaderOptions _loader;
    private readonly ViewLayout _layout;
    private readonly int _workers;
    private readonly long _minimumBudget;
    private readonly Lock _startsGate = new();
    private long[]? _starts;

    /// <summary>Opens and validates the source (no data is read) and builds the schema.</summary>
    /// <param name="options">The view's options; copied.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    /// <exception cref="ArgumentException">A value is missing or invalid: no source, an empty path, an unknown dtype, an empty starts list, a file target without labels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public WindowDataView(WindowDataViewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Loader, "options.Loader");
        ArgumentOutOfRangeException.ThrowIfNegative(options.Epoch, "options.Epoch");
        WindowLoaderOptions loader = options.Loader.Clone();
        loader.OutputType = options.OutputType;
        using var probe = new WindowLoader(loader);

        // Freeze what the loader resolves from the environment, so the view never changes.
        loader.Rank = probe.Rank;
        loader.WorldSize = probe.WorldSize;
        loader.Workers = probe.Workers;
        _loader = loader;
        _workers = probe.Workers;
        Info = probe.Info;

        PrimitiveDataViewType featureItem = ColumnTypes.For(probe.OutputType) ?? throw NoColumnType(probe.OutputType, "the Features column");
        int[] dims = new int[1 + probe.RowShape.Count];
        dims[0] = probe.Window;
        long featureLength = probe.Window;
        for (int i = 0; i < probe.RowShape.Count; i++)
        {
            dims[i + 1] = probe.RowShape[i];
            featureLength *= probe.RowShape[i];
        }

        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeaturesColumnName, new VectorDataViewType(featureItem, dims));
        builder.AddColumn(StartColumnName, NumberDataViewType.Int64);

        bool hasLabel = probe.TargetItemShape is not null;
        int labelElements = 0;
        int? labelIndex = options.LabelIndex;
        if (hasLabel)
        {
            PrimitiveDataViewType labelItem = ColumnTypes.For(probe.TargetElementType) ?? throw NoColumnType(probe.TargetElementType, "the Label column");
            int[] labelDims = [.. probe.TargetItemShape!];
            labelElements = 1;
            foreach (int d in labelDims)
            {
                labelElements *= d;
            }

            // A 1-D labels file (N,) gives a scalar label, like LabelIndex = 0.
            labelIndex ??= labelDims.Length == 0 ? 0 : null;
            if (labelIndex is { } index)
            {
                if (index < 0 || index >= labelElements)
                {
                    throw new ArgumentOutOfRangeException("options.LabelIndex", $"labelIndex: expected 0..{labelElements - 1} (an element of the flattened target of shape ({string.Join(", ", labelDims)})); found {index}.");
                }

                builder.AddColumn(LabelColumnName, labelItem);
            }
            else
            {
                builder.AddColumn(LabelColumnName, new VectorDataViewType(labelItem, labelDims));
            }
        }
        else if (options.LabelIndex is { } index)
        {
            throw new ArgumentOutOfRangeException("options.LabelIndex", $"labelIndex: expected null when the loader has no target (target.kind none); found {index}.");
        }

        InputColumn[] inputColumns = AddInputColumns(builder, probe, hasLabel ? ViewLayout.LabelColumn + 1 : ViewLayout.LabelColumn);
        Schema = builder.ToSchema();
        long rows = loader.DropLast ? probe.BatchesPerEpoch * probe.BatchSize : probe.WindowsPerEpoch;
        _layout = new ViewLayout(
            options.Epoch,
            probe.BatchSize,
            rows,
            probe.BatchesPerEpoch,
            probe.OutputType,
            checked((int)featureLength),
            checked((int)probe.WindowBytes),
            hasLabel,
            probe.TargetElementType,
            labelElements,
            labelIndex)
        {
            InputColumns = inputColumns,
        };
        _minimumBudget = probe.MinimumMemoryBudget;
    }

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <summary>True: a <see cref="Random"/> passed to <see cref="GetRowCursor"/> reorders the rows deterministically.</summary>
    public bool CanShuffle => true;

    /// <summary>Rows of the view: the windows of the epoch (for this rank; without the short last batch when <see cref="WindowLoaderOptions.DropLast"/> is set).</summary>
    public long RowCount => _layout.RowCount;

    /// <summary>The input array.</summary>
    public ArrayInfo Info { get; }

    /// <inheritdoc/>
    public long? GetRowCount() => _layout.RowCount;

    /// <summary>A cursor over every row, in the loader's order or, with <paramref name="rand"/>, in a shuffled order drawn from it.</summary>
    /// <param name="columnsNeeded">Columns whose getters will be used; the others are not computed (with only <c>Start</c>, nothing is read).</param>
    /// <param name="rand">Null: the loader's order. Otherwise one <c>NextInt64()</c> seeds the shuffle.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is not one of this view's.</exception>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        CreateCursors(columnsNeeded, 1, rand)[0];

    /// <summary>Up to <paramref name="n"/> cursors (one per batch at most) that together return every row exactly once, for parallel consumers.</summary>
    /// <param name="columnsNeeded">Columns whose getters will be used.</param>
    /// <param name="n">The most cursors wanted; values below 1 give one.</param>
    /// <param name="rand">As in <see cref="GetRowCursor"/>: the set partitions the same shuffled stream.</param>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        CreateCursors(columnsNeeded, n, rand);

    private DataViewRowCursor[] CreateCursors(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        bool[] active = new bool[Schema.Count];
        foreach (DataViewSchema.Column column in columnsNeeded)
        {
            CheckColumn(column);
            active[column.Index] = true;
        }

        bool needsData = active[ViewLayout.FeaturesColumn] || (_layout.HasLabel && active[ViewLayout.LabelColumn]);
        foreach (InputColumn input in _layout.InputColumns)
        {
            needsData |= active[input.Column];
        }

        long[]? ids = null;
        long[]? starts = null;
        if (rand is not null)
        {
            ulong seed = unchecked((ulong)rand.NextInt64());
            long[] baseStarts = GetStarts();
            ids = RowShuffle.Permutation(baseStarts.LongLength, seed);
            starts = new long[ids.LongLength];
            for (long i = 0; i < ids.LongLength; i++)
            {
                starts[i] = baseStarts[ids[i]];
            }
        }
        else if (!needsData)
        {
            starts = GetStarts();
        }

        long batches = _layout.BatchCount;
        int count = (int)Math.Clamp(batches, 1, Math.Max(1, n));
        var cursors = new DataViewRowCursor[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                long b0 = batches * i / count;
                long b1 = batches * (i + 1) / count;
                long first = Math.Min(b0 * _layout.BatchSize, _layout.RowCount);
                long end = Math.Min(b1 * _layout.BatchSize, _layout.RowCount);
                WindowLoaderOptions? loader = null;
                CursorPlan plan;
                if (needsData && end > first && starts is not null)
                {
                    loader = Tune(count);
                    var segment = new ArraySegment<long>(starts, checked((int)first), checked((int)(end - first)));
                    plan = new CursorPlan(loader, segment, 0, b1 - b0, first, first, end, starts, ids);
                }
                else if (needsData && end > first)
                {
                    loader = Tune(count);
                    plan = new CursorPlan(loader, null, b0, b1, 0, first, end, null, null);
                }
                else
                {
                    plan = new CursorPlan(null, null, 0, 0, 0, first, end, starts, ids);
                }

                cursors[i] = new WindowRowCursor(this, _layout, plan, active);
            }
        }
        catch
        {
            foreach (DataViewRowCursor? cursor in cursors)
            {
                cursor?.Dispose();
            }

            throw;
        }

        return cursors;
    }

    /// <summary>The start rows of the view, in order (pure: computed from the options without reading data), cached.</summary>
    internal long[] GetStarts()
    {
        lock (_startsGate)
        {
            if (_starts is not null)
            {
                return _starts;
            }

            if (_layout.RowCount > Array.MaxLength)
            {
                throw new InvalidOperationException($"Shuffled cursors keep the view's starts in memory: expected at most {Array.MaxLength} rows; found {_layout.RowCount}.");
            }

            long[] starts = new long[_layout.RowCount];
            using (var probe = new WindowLoader(_loader))
            {
                for (long b = 0; b < _layout.BatchCount; b++)
                {
                    long[] batch = probe.GetStarts(_layout.Epoch, b);
                    batch.CopyTo(starts, b * _layout.BatchSize);
                }
            }

            _starts = starts;
            return starts;
        }
    }

    /// <summary>A cursor's loader options: the view's, with the workers and memory budget divided between <paramref name="cursors"/> cursors.</summary>
    private WindowLoaderOptions Tune(int cursors)
    {
        WindowLoaderOptions options = _loader.Clone();
        if (cursors > 1)
        {
            options.Workers = Math.Max(1, _workers / cursors);
            options.Prefetch = _loader.Prefetch is { } prefetch ? Math.Max(1, prefetch / cursors) : null;
            options.MemoryBudget = Math.Max(_loader.MemoryBudget / cursors, _minimumBudget);
        }

        return options;
    }

    /// <summary>
    /// One vector column per aligned input, named by its <c>name</c> key, dimensions (W, *its row shape), after the
    /// other columns (input 0 is also <c>Features</c>). None for a single source or concatenated inputs.
    /// </summary>
    private static InputColumn[] AddInputColumns(DataViewSchema.Builder builder, WindowLoader probe, int firstColumn)
    {
        if (probe.Options.Inputs is null || probe.Options.Concat)
        {
            return [];
        }

        var columns = new InputColumn[probe.InputCount];
        for (int k = 0; k < columns.Length; k++)
        {
            string name = probe.GetInputName(k);
            if (name is FeaturesColumnName or StartColumnName or LabelColumnName)
            {
                throw new ArgumentException($"inputs[{k}].name: expected a name other than the view's own columns ({FeaturesColumnName}, {StartColumnName}, {LabelColumnName}); found '{name}'.");
            }

            ElementType type = probe.GetInputElementType(k);
            PrimitiveDataViewType item = ColumnTypes.For(type) ?? throw NoColumnType(type, $"the {name} column");
            IReadOnlyList<int> rowShape = probe.GetInputRowShape(k);
            int[] dims = new int[1 + rowShape.Count];
            dims[0] = probe.Window;
            long length = probe.Window;
            for (int i = 0; i < rowShape.Count; i++)
            {
                dims[i + 1] = rowShape[i];
                length *= rowShape[i];
            }

            builder.AddColumn(name, new VectorDataViewType(item, dims));
            columns[k] = new InputColumn(firstColumn + k, k, type, checked((int)length));
        }

        return columns;
    }

    private static ArgumentOutOfRangeException NoColumnType(ElementType type, string what, string paramName = "options") =>
        new(paramName, $"outputType: {what} would be {ElementTypeInfo.Name(type)}, which has no ML.NET column type; expected float32 (the default), float64 or an integer or bool type.");

    private void CheckColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not a column of this WindowDataView; expected one of: {FeaturesColumnName}, {StartColumnName}{(_layout.HasLabel ? $", {LabelColumnName}" : string.Empty)}.");
        }
    }
}
