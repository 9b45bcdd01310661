using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp.Tests;

/// <summary>A tensor loader over a mixture: the input and next-row target tensors hold each window's component rows.</summary>
public sealed class TensorMixtureTests : IDisposable
{
    private const int Cols = 2;
    private const int Window = 3;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadEpoch_Mixture_TensorsEqualComponentRowsInExactShares()
    {
        string a = TestArrays.WriteNpyShard(_dir.File("a.npy"), 0, 90, Cols);
        string b = TestArrays.WriteNpyShard(_dir.File("b.npy"), 5000, 40, Cols);
        var options = new WindowLoaderOptions
        {
            Mixture =
            [
                new MixtureComponent { Weight = 1, Source = SourceOptions.FromPaths(a) },
                new MixtureComponent { Weight = 1, Source = SourceOptions.FromPaths(b) },
            ],
            Window = Window,
            BatchSize = 9,
            WindowsPerEpoch = 120,
            Seed = 2,
            Workers = 2,
            MemoryBudget = 16L << 20,
            Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 1 },
        };
        using var loader = new TensorWindowLoader(options);
        long fromB = 0, windows = 0;
        foreach (TensorBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            double[] x = ToDoubles(batch.Input);
            double[] y = ToDoubles(batch.Target!);
            for (int i = 0; i < batch.Count; i++)
            {
                long start = batch.Starts[i];
                long row = start < 90 ? start : 5000 + (start - 90);
                fromB += start >= 90 ? 1 : 0;
                windows++;
                for (int c = 0; c < Cols; c++)
                {
                    for (int r = 0; r < Window; r++)
                    {
                        Assert.Equal(TestArrays.Value(row + r, c), x[(((i * Window) + r) * Cols) + c]);
                    }

                    Assert.Equal(TestArrays.Value(row + Window, c), y[(i * Cols) + c]);
                }
            }
        }

        Assert.Equal(120, windows);
        Assert.Equal(60, fromB);
    }

    private static double[] ToDoubles(Tensor t)
    {
        using Tensor d = t.to_type(ScalarType.Float64).contiguous();
        return MemoryMarshal.Cast<byte, double>(d.bytes).ToArray();
    }
}
