namespace WindowDataset;

/// <summary>Global rows [<see cref="Start"/>, <see cref="End"/>) of the concatenated array that windows and their targets may use.</summary>
public sealed class RowRange
{
    /// <summary>First row. Default 0.</summary>
    public long Start { get; set; }

    /// <summary>End row (exclusive). Null: the array's row count.</summary>
    public long? End { get; set; }

    /// <summary>A copy.</summary>
    public RowRange Clone() => (RowRange)MemberwiseClone();
}
