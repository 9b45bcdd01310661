using System.Runtime.InteropServices;

namespace WindowDataset.Tests.Infrastructure;

/// <summary>
/// Small arrays whose every value is a known function of (row, column), written as .npy or raw, and an
/// independent way to compute any window, to compare loader output against.
/// </summary>
public static class TestArrays
{
    /// <summary>The value stored at (row, col): distinct for every cell, exact in float32 for small arrays.</summary>
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

    /// <summary>Writes the same data as raw float64 bytes with an optional header of <paramref name="headerBytes"/> zero bytes.</summary>
    public static string WriteRaw(string path, long rows, int cols, int headerBytes = 0, long firstRow = 0)
    {
        using var stream = File.Create(path);
        stream.Write(new byte[headerBytes]);
        double[] line = new double[cols];
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                line[c] = Value(firstRow + r, c);
            }

            stream.Write(MemoryMarshal.AsBytes(line.AsSpan()));
        }

        return path;
    }

    /// <summary>Writes rows [firstRow, firstRow + rows) of the value function as a float64 .npy (for shards).</summary>
    public static string WriteNpyShard(string path, long firstRow, long rows, int cols)
    {
        using var writer = new NpyWriter(path, ElementType.Float64, [rows, cols]);
        double[] line = new double[cols];
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                line[c] = Value(firstRow + r, c);
            }

            writer.Write<double>(line);
        }

        writer.Complete();
        return path;
    }

    /// <summary>The expected window (float64) starting at global row <paramref name="start"/>.</summary>
    public static double[] ExpectedWindow(long start, int window, int cols)
    {
        double[] w = new double[window * cols];
        for (int r = 0; r < window; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                w[(r * cols) + c] = Value(start + r, c);
            }
        }

        return w;
    }

    public static WindowLoaderOptions Options(string path, int window = 4, int batch = 8) => new()
    {
        Source = SourceOptions.FromPaths(path),
        Window = window,
        BatchSize = batch,
        Workers = 2,
        MemoryBudget = 64L << 20,
    };
}
