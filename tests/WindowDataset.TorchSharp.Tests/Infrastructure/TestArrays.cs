namespace WindowDataset.TorchSharp.Tests.Infrastructure;

/// <summary>Arrays whose every value is a known function of (row, column), and labels arrays, written as .npy.</summary>
public static class TestArrays
{
    /// <summary>The value stored at (row, col): distinct for every cell, exact in float32 for small arrays.</summary>
    public static double Value(long row, long col) => (row * 1000) + col + 0.25;

    /// <summary>The label of row <paramref name="row"/>, column <paramref name="k"/>.</summary>
    public static double Label(long row, long k) => (row * 10) + k + 0.5;

    /// <summary>Writes a float64 .npy of shape (rows, cols) with <see cref="Value"/>.</summary>
    public static string WriteNpy(string path, long rows, int cols)
    {
        using var writer = new NpyWriter(path, ElementType.Float64, [rows, cols]);
        double[] line = new double[cols];
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                line[c] = Value(r, c);
            }

            writer.Write<double>(line);
        }

        writer.Complete();
        return path;
    }

    /// <summary>Writes float64 labels of shape (rows,) when <paramref name="k"/> is null, else (rows, k), with <see cref="Label"/>.</summary>
    public static string WriteLabels(string path, long rows, int? k)
    {
        long[] shape = k is null ? [rows] : [rows, k.Value];
        using var writer = new NpyWriter(path, ElementType.Float64, shape);
        double[] line = new double[k ?? 1];
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < line.Length; c++)
            {
                line[c] = Label(r, c);
            }

            writer.Write<double>(line);
        }

        writer.Complete();
        return path;
    }
}
