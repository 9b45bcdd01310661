using System.Runtime.InteropServices;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability;

/// <summary>Assertions shared by the reliability tests.</summary>
internal static class ReliabilityChecks
{
    /// <summary>Every window of <paramref name="batch"/> (float64 or float32 output) equals the value function, read independently.</summary>
    public static void AssertContent(WindowBatch batch, int cols)
    {
        int window = batch.Window;
        ReadOnlySpan<long> starts = batch.Starts;
        for (int i = 0; i < batch.Count; i++)
        {
            double[] expected = TestArrays.ExpectedWindow(starts[i], window, cols);
            if (batch.ElementType == ElementType.Float64)
            {
                Span<double> data = batch.GetData<double>().Slice(i * window * cols, window * cols);
                if (!data.SequenceEqual(expected))
                {
                    Assert.Fail($"batch {batch.Index} window {i} (start {starts[i]}): content differs from the file.");
                }
            }
            else
            {
                Span<float> data = batch.GetData<float>().Slice(i * window * cols, window * cols);
                for (int k = 0; k < expected.Length; k++)
                {
                    if (data[k] != (float)expected[k])
                    {
                        Assert.Fail($"batch {batch.Index} window {i} (start {starts[i]}) element {k}: expected {(float)expected[k]}, found {data[k]}.");
                    }
                }
            }
        }
    }

    /// <summary>The batch's starts equal <see cref="WindowLoader.GetStarts"/> (computed without I/O).</summary>
    public static void AssertStarts(WindowLoader loader, WindowBatch batch)
    {
        long[] expected = loader.GetStarts(batch.Epoch, batch.Index);
        Assert.Equal(expected.Length, batch.Count);
        if (!batch.Starts.SequenceEqual(expected))
        {
            Assert.Fail($"batch {batch.Index} of epoch {batch.Epoch}: starts differ from GetStarts.");
        }
    }

    /// <summary>No worker thread left behind (after a short settle for joined threads to leave the kernel's list).</summary>
    public static void AssertNoWorkerThreads() => Assert.Equal(0, WorkerThreads.SettleToZero());

    /// <summary>Truncates the file at <paramref name="path"/> to <paramref name="length"/> bytes, as another process would.</summary>
    public static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(length);
    }

    public static double[] AsDoubles(Span<byte> bytes) => MemoryMarshal.Cast<byte, double>(bytes).ToArray();
}
