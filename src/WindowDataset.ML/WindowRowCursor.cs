using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace WindowDataset.ML;

/// <summary>
/// A cursor over a range of whole batches of a <see cref="WindowDataView"/>'s stream. It owns its loader (created
/// here, started by the first <see cref="MoveNext"/>, disposed when the range ends or the cursor is disposed);
/// getters read the current batch, which stays valid until the next batch is requested.
/// </summary>
internal sealed class WindowRowCursor : DataViewRowCursor
{
    private readonly WindowDataView _view;
    private readonly ViewLayout _layout;
    private readonly CursorPlan _plan;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;
    private WindowLoader? _loader;
    private IEnumerator<WindowBatch>? _batches;
    private WindowBatch? _batch;
    private int _inBatch;
    private long _row = -1;
    private long _position = -1;
    private bool _done;
    private bool _disposed;

    public WindowRowCursor(WindowDataView view, ViewLayout layout, CursorPlan plan, bool[] active)
    {
        _view = view;
        _layout = layout;
        _plan = plan;
        _active = active;
        if (plan.Loader is not null)
        {
            _loader = new WindowLoader(plan.Loader);
            _batches = (plan.LoaderStarts is { } starts
                ? _loader.ReadStarts(starts)
                : _loader.Read(ReadRange.ForBatches(layout.Epoch, plan.LoaderFirstBatch, plan.LoaderEndBatch))).GetEnumerator();
        }

        _getters = new Delegate?[active.Length];
        if (active[ViewLayout.FeaturesColumn])
        {
            _getters[ViewLayout.FeaturesColumn] = CreateVectorGetter(layout.FeatureType, Part.Features);
        }

        foreach (InputColumn input in layout.InputColumns)
        {
            if (active[input.Column])
            {
                _getters[input.Column] = CreateVectorGetter(input.Type, Part.Input, input);
            }
        }

        if (active[ViewLayout.StartColumn])
        {
            _getters[ViewLayout.StartColumn] = (ValueGetter<long>)GetStart;
        }

        if (layout.HasLabel && active[ViewLayout.LabelColumn])
        {
            _getters[ViewLayout.LabelColumn] = layout.LabelIndex is null
                ? CreateVectorGetter(layout.LabelType, Part.Labels)
                : CreateScalarLabelGetter(layout.LabelType);
        }
    }

    private enum Part
    {
        Features,
        Labels,
        Input,
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _position;

    /// <summary>The current row's batch in the stream: non-decreasing here, distinct from the other cursors of a set.</summary>
    public override long Batch => _row < 0 ? 0 : _row / _layout.BatchSize;

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        CheckColumn(column);
        return _active[column.Index];
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        CheckColumn(column);
        if (!_active[column.Index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor: include it in the columnsNeeded passed to GetRowCursor or GetRowCursorSet.");
        }

        if (_getters[column.Index] is ValueGetter<TValue> getter)
        {
            return getter;
        }

        DataViewType type = Schema[column.Index].Type;
        throw new InvalidOperationException($"Column '{column.Name}' has type {type} (raw type {type.RawType}): expected GetGetter<{type.RawType}>; found GetGetter<{typeof(TValue)}>.");
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) =>
    {
        EnsureRow();
        long id = _plan.Ids is null ? _row : _plan.Ids[_row];
        value = new DataViewRowId((ulong)id, 0);
    };

    public override bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_batches is null)
        {
            long next = _row < 0 ? _plan.FirstRow : _row + 1;
            if (next >= _plan.EndRow)
            {
                Finish();
                return false;
            }

            _row = next;
            _position++;
            return true;
        }

        if (_batch is not null && _inBatch + 1 < _batch.Count)
        {
            _inBatch++;
            _row++;
            _position++;
            return true;
        }

        if (!_batches.MoveNext())
        {
            Finish();
            return false;
        }

        _batch = _batches.Current;
        _inBatch = 0;
        _row = _plan.StreamBase + (_batch.Index * _layout.BatchSize);
        Debug.Assert(_row >= _plan.FirstRow && _row < _plan.EndRow, "The loader's batch lies inside the cursor's range.");
        _position++;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            Finish();
        }

        base.Dispose(disposing);
    }

    private void Finish()
    {
        _done = true;
        _batch = null;
        _batches?.Dispose();
        _batches = null;
        _loader?.Dispose();
        _loader = null;
    }

    private void CheckColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= _active.Length || Schema[column.Index].Name != column.Name)
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not a column of this WindowDataView.");
        }
    }

    private void EnsureRow()
    {
        if (_done || _position < 0)
        {
            throw new InvalidOperationException(_done
                ? "The cursor has no current row: MoveNext returned false (or the cursor was disposed)."
                : "The cursor has no current row: call MoveNext first.");
        }
    }

    private WindowBatch CurrentBatch()
    {
        EnsureRow();
        Debug.Assert(_batch is not null, "Data getters exist only on cursors that read batches.");
        return _batch;
    }

    private void GetStart(ref long value)
    {
        EnsureRow();
        value = _batch is not null ? _batch.Starts[_inBatch] : _plan.Starts![_row];
    }

    private Delegate CreateVectorGetter(ElementType type, Part part, InputColumn? input = null) => type switch
    {
        ElementType.Float32 => VectorGetter<float>(part, input),
        ElementType.Float64 => VectorGetter<double>(part, input),
        ElementType.Int64 => VectorGetter<long>(part, input),
        ElementType.Int32 => VectorGetter<int>(part, input),
        ElementType.Int16 => VectorGetter<short>(part, input),
        ElementType.Int8 => VectorGetter<sbyte>(part, input),
        ElementType.UInt64 => VectorGetter<ulong>(part, input),
        ElementType.UInt32 => VectorGetter<uint>(part, input),
        ElementType.UInt16 => VectorGetter<ushort>(part, input),
        ElementType.UInt8 => VectorGetter<byte>(part, input),
        ElementType.Bool => VectorGetter<bool>(part, input),
        _ => throw new UnreachableException($"No ML.NET type for {type}: refused when the view was created."),
    };

    private Delegate CreateScalarLabelGetter(ElementType type) => type switch
    {
        ElementType.Float32 => ScalarLabelGetter<float>(),
        ElementType.Float64 => ScalarLabelGetter<double>(),
        ElementType.Int64 => ScalarLabelGetter<long>(),
        ElementType.Int32 => ScalarLabelGetter<int>(),
        ElementType.Int16 => ScalarLabelGetter<short>(),
        ElementType.Int8 => ScalarLabelGetter<sbyte>(),
        ElementType.UInt64 => ScalarLabelGetter<ulong>(),
        ElementType.UInt32 => ScalarLabelGetter<uint>(),
        ElementType.UInt16 => ScalarLabelGetter<ushort>(),
        ElementType.UInt8 => ScalarLabelGetter<byte>(),
        ElementType.Bool => ScalarLabelGetter<bool>(),
        _ => throw new UnreachableException($"No ML.NET type for {type}: refused when the view was created."),
    };

    private ValueGetter<VBuffer<T>> VectorGetter<T>(Part part, InputColumn? input)
        where T : unmanaged
    {
        int length = part switch
        {
            Part.Features => _layout.FeatureLength,
            Part.Input => input!.Length,
            _ => _layout.LabelItemElements,
        };
        int inputIndex = input?.Input ?? 0;
        return (ref VBuffer<T> value) =>
        {
            WindowBatch batch = CurrentBatch();
            // Window by window: a strided batch (stridedWindows) has no (B, W, *row) layout.
            ReadOnlySpan<T> item = part switch
            {
                Part.Features => batch.GetWindowData<T>(_inBatch),
                Part.Input => batch.GetInputData<T>(inputIndex).Slice(_inBatch * length, length),
                _ => batch.GetTargetData<T>().Slice(_inBatch * length, length),
            };
            VBufferEditor<T> editor = VBufferEditor.Create(ref value, length);
            item.CopyTo(editor.Values);
            value = editor.Commit();
        };
    }

    private ValueGetter<T> ScalarLabelGetter<T>()
        where T : unmanaged
    {
        int length = _layout.LabelItemElements;
        int index = _layout.LabelIndex!.Value;
        return (ref T value) =>
        {
            WindowBatch batch = CurrentBatch();
            value = MemoryMarshal.Cast<byte, T>(batch.TargetData)[(_inBatch * length) + index];
        };
    }
}
