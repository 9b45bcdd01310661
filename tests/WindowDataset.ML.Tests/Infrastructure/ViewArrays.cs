namespace WindowDataset.ML.Tests.Infrastructure;

/// <summary>Labels and float32 windows of the shared test arrays (<see cref="TestArrays"/>), as the view delivers them.</summary>
public static class ViewArrays
{
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
                values[(r * cols) + c] = (float)TestArrays.Value(start + r, c);
            }
        }

        return values;
    }
}
