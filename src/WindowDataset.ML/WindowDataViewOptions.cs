namespace WindowDataset.ML;

/// <summary>
/// What a <see cref="WindowDataView"/> shows: the loader (source, window, sampler, target...), the epoch whose
/// windows are the rows, the element type of the columns and the label's shape. Copied and validated once when the
/// view is created: changing the options afterwards does not change the view.
/// </summary>
public sealed class WindowDataViewOptions
{
    /// <summary>The loader options. The rows of the view are the windows this loader delivers in <see cref="Epoch"/>. Its <see cref="WindowLoaderOptions.OutputType"/> is replaced by <see cref="OutputType"/>.</summary>
    public WindowLoaderOptions Loader { get; set; } = new();

    /// <summary>The epoch of the loader whose windows are the rows (its sampler order and, for the uniform sampler, its multiset of starts). Default 0.</summary>
    public long Epoch { get; set; }

    /// <summary>
    /// Element type of the <c>Features</c> and <c>Label</c> columns. Default <see cref="ElementType.Float32"/> (ML.NET
    /// <c>Single</c>, which trainers require; converted in the loader's workers). Null keeps the file's type (every
    /// type but float16, which has no ML.NET column type); <see cref="ElementType.Float64"/> gives <c>Double</c>.
    /// </summary>
    public ElementType? OutputType { get; set; } = ElementType.Float32;

    /// <summary>
    /// Null: the <c>Label</c> column is the whole target as a vector, shaped (Horizon, *RowShape) for next-row
    /// targets or like one row of the labels array for file targets. Set: <c>Label</c> is a scalar, element
    /// <c>LabelIndex</c> of the flattened target (for a next-row target with horizon 1 that is channel
    /// <c>LabelIndex</c> of the row after the window; for horizon H, channel c of the H-th row is
    /// <c>(H - 1) * rowElements + c</c>). Requires a target. A 1-D labels file (N,) always gives a scalar label.
    /// </summary>
    public int? LabelIndex { get; set; }
}
