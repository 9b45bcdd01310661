namespace WindowDataset.Pipeline;

/// <summary>The per-input answers of a batch layout: input 0 is the main buffer; inputs 1.. exist only without concat.</summary>
internal static class InputLayouts
{
    /// <summary>The name of the one input of a single-source or concatenated loader.</summary>
    public const string SingleName = "input";

    public static string Name(BatchLayout layout, int input)
    {
        Check(layout, input);
        return layout.Inputs is { } inputs && !layout.Concat ? inputs[input].Name : SingleName;
    }

    public static IReadOnlyList<int> RowShape(BatchLayout layout, int input)
    {
        Check(layout, input);
        return input == 0 ? layout.RowShape : layout.Inputs![input].RowShape;
    }

    public static ElementType ElementType(BatchLayout layout, int input)
    {
        Check(layout, input);
        return input == 0 ? layout.ElementType : layout.Inputs![input].ElementType;
    }

    public static long WindowBytes(BatchLayout layout, int input)
    {
        Check(layout, input);
        return input == 0 ? layout.WindowBytes : layout.Inputs![input].WindowBytes;
    }

    /// <summary>The index of the input named <paramref name="name"/>, or -1.</summary>
    public static int IndexOf(BatchLayout layout, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int k = 0; k < layout.InputBuffers; k++)
        {
            if (string.Equals(Name(layout, k), name, StringComparison.Ordinal))
            {
                return k;
            }
        }

        return -1;
    }

    public static void Check(BatchLayout layout, int input)
    {
        if ((uint)input >= (uint)layout.InputBuffers)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"input: expected 0..{layout.InputBuffers - 1} (the batch's inputs); found {input}.");
        }
    }
}
