namespace WindowDataset.Pipeline;

/// <summary>One input of a batch: its name, row shape and element type, and where it lives in the batch.</summary>
/// <param name="Name">The input's name.</param>
/// <param name="RowShape">Shape of one row of this input.</param>
/// <param name="ElementType">Element type of this input's windows.</param>
/// <param name="WindowBytes">Bytes of one window of this input (W rows).</param>
/// <param name="RowBytes">Bytes of one row of this input in <paramref name="ElementType"/>.</param>
/// <param name="RowOffset">With concat: byte offset of this input's elements in a concatenated row; 0 otherwise.</param>
internal sealed record InputLayout(string Name, int[] RowShape, ElementType ElementType, long WindowBytes, long RowBytes, long RowOffset)
{
    /// <summary>Bytes of a full batch of this input.</summary>
    public long BatchBytes(int batchSize) => batchSize * WindowBytes;

    public long[] Shape(int count, int window)
    {
        long[] shape = new long[2 + RowShape.Length];
        shape[0] = count;
        shape[1] = window;
        for (int i = 0; i < RowShape.Length; i++)
        {
            shape[i + 2] = RowShape[i];
        }

        return shape;
    }
}
