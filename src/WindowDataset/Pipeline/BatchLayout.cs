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

    /// <summary>
    /// Aligned inputs (<see cref="WindowLoaderOptions.Inputs"/>): every input, input 0 first. Without concat input
    /// 0 is the main buffer and inputs 1.. have their own buffers (<see cref="ExtraInputBatchBytes"/>); with concat
    /// they share the main buffer, row by row. Null: a single source.
    /// </summary>
    public InputLayout[]? Inputs { get; init; }

    /// <summary>True when the inputs are concatenated along the row into the main buffer.</summary>
    public bool Concat { get; init; }

    /// <summary>Buffers a batch has for its inputs: one per input, or one for all of them with concat.</summary>
    public int InputBuffers => Inputs is null || Concat ? 1 : Inputs.Length;

    /// <summary>Bytes of a full batch of inputs 1.. (their own buffers); 0 with a single source or concat.</summary>
    public long ExtraInputBatchBytes
    {
        get
        {
            long bytes = 0;
            for (int k = 1; k < InputBuffers; k++)
            {
                bytes += Inputs![k].BatchBytes(BatchSize);
            }

            return bytes;
        }
    }

    /// <summary>The shape of a full batch, built once: batches share it, so reading <see cref="WindowBatch.Shape"/> allocates nothing.</summary>
    private IReadOnlyList<long> FullInputShape => field ??= Array.AsReadOnly(InputShape(BatchSize));

    private IReadOnlyList<long>? FullTargetShape => TargetItemShape is null ? null : field ??= Array.AsReadOnly(TargetShape(BatchSize)!);

    /// <summary>A read-only input shape for <paramref name="count"/> windows (shared for full batches).</summary>
    public IReadOnlyList<long> InputShapeView(int count) => count == BatchSize ? FullInputShape : Array.AsReadOnly(InputShape(count));

    /// <summary>A read-only target shape for <paramref name="count"/> windows (shared for full batches); null without target.</summary>
    public IReadOnlyList<long>? TargetShapeView(int count) =>
        TargetItemShape is null ? null : count == BatchSize ? FullTargetShape : Array.AsReadOnly(TargetShape(count)!);

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
