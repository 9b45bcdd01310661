namespace WindowDataset.Pipeline;

/// <summary>The shapes and sizes of a loader's batches, fixed at construction.</summary>
internal sealed record BatchLayout(
    int BatchSize,
    int Window,
    int[] RowShape,
    ElementType ElementType,
    long WindowBytes,
    int[]? TargetItemShape,
    ElementType TargetElementType,
    long TargetItemBytes)
{
    public long InputBatchBytes => BatchSize * WindowBytes;

    public long TargetBatchBytes => BatchSize * TargetItemBytes;

    public long[] InputShape(int count)
    {
        long[] shape = new long[2 + RowShape.Length];
        shape[0] = count;
        shape[1] = Window;
        for (int i = 0; i < RowShape.Length; i++)
        {
            shape[i + 2] = RowShape[i];
        }

        return shape;
    }

    public long[]? TargetShape(int count)
    {
        if (TargetItemShape is null)
        {
            return null;
        }

        long[] shape = new long[1 + TargetItemShape.Length];
        shape[0] = count;
        for (int i = 0; i < TargetItemShape.Length; i++)
        {
            shape[i + 1] = TargetItemShape[i];
        }

        return shape;
    }
}
