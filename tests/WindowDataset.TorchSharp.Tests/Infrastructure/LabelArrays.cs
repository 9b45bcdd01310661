namespace WindowDataset.TorchSharp.Tests.Infrastructure;

/// <summary>Labels files for file targets, next to the shared test arrays (<see cref="TestArrays"/>).</summary>
public static class LabelArrays
{
    /// <summary>The label of row <paramref name="row"/>, column <paramref name="k"/>.</summary>
    public static double Label(long row, long k) => (row * 10) + k + 0.5;

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
