namespace WindowDataset.ML.Tests.Infrastructure;

/// <summary>Small arrays whose every value is a known function of (row, column), to compare view rows against.</summary>
public static class TestArrays
{
    /// <summary>The value stored at (row, col): distinct for every cell of a small array.</summary>
    public static double Value(long row, long col) => (row * 1000) + col + 0.25;

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

    /// <summary>Writes a float64 .npy of shape (rows,) whose row r holds <c>r * 0.5</c> (labels for file targets).</summary>
    public static string WriteLabels(string path, long rows)
    {
        using var writer = new NpyWriter(path, ElementType.Float64, [rows]);
        for (long r = 0; r < rows; r++)
        {
            writer.Write<double>([r * 0.5]);
        }

        writer.Complete();
        return path;
    }

    /// <summary>The window starting at <paramref name="start"/> as float32 (C order), as the view delivers it by default.</summary>
    public static float[] Window(long start, int window, int cols)
    {
        float[] values = new float[window * cols];
        for (int r = 0; r < window; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                values[(r * cols) + c] = (float)Value(start + r, c);
            }
        }

        return values;
    }
}
