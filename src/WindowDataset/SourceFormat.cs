namespace WindowDataset;

/// <summary>The file format of an array source.</summary>
public enum SourceFormat
{
    /// <summary><c>.npy</c> when the file name ends in <c>.npy</c>, raw otherwise.</summary>
    Auto,

    /// <summary>numpy <c>.npy</c>, format versions 1.0, 2.0 and 3.0.</summary>
    Npy,

    /// <summary>Raw C-order bytes described by <see cref="SourceOptions.DType"/> and <see cref="SourceOptions.RowShape"/>.</summary>
    Raw,
}
