using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp.Tests;

public sealed class WindowIterableDatasetTests : IDisposable
{
    private const int Rows = 200;
    private const int Cols = 4;
    private const int Window = 8;
    private readonly TempDirectory _dir = new();
    private readonly WindowLoaderOptions _options;

    public WindowIterableDatasetTests()
    {
        _options = new WindowLoaderOptions
        {
            Source = SourceOptions.FromPaths(TestArrays.WriteNpy(_dir.File("data.npy"), Rows, Cols)),
            Window = Window,
            Stride = 3,
            Seed = 5,
            MemoryBudget = 16L << 20,
            Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 1 },
        };
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void GetTensor_AnyIndex_IsTheWindowAtThatStrideStepAndItsNextRow()
    {
        using var dataset = new WindowIterableDataset(_options);

        Assert.Equal(((Rows - Window - 1) / 3) + 1, dataset.Count);
        foreach (long index in new long[] { 0, 1, 17, dataset.Count - 1 })
        {
            IList<Tensor> item = dataset.GetTensor(index);
            try
            {
                long start = index * 3;
                Assert.Equal(start, dataset.GetStart(index));
                Assert.Equal([Window, Cols], item[0].shape);
                Assert.Equal([1L, Cols], item[1].shape);
                double[] x = MemoryMarshal.Cast<byte, double>(item[0].bytes).ToArray();
                double[] y = MemoryMarshal.Cast<byte, double>(item[1].bytes).ToArray();
                Assert.Equal(TestArrays.Value(start, 0), x[0]);
                Assert.Equal(TestArrays.Value(start + Window - 1, Cols - 1), x[^1]);
                Assert.Equal(TestArrays.Value(start + Window, 2), y[2]);
            }
            finally
            {
                foreach (Tensor t in item)
                {
                    t.Dispose();
                }
            }
        }
    }

    [Fact]
    public void CreateLoader_TwoEpochs_SameWindowsReshuffledWithBatchShapesOfTorchSharp()
    {
        _options.Stride = 1; // as in the core, the stride applies to file order only
        using var dataset = new WindowIterableDataset(_options);
        using WindowDataLoader loader = dataset.CreateLoader(batchSize: 10, shuffle: true, seed: 9);
        var epochs = new List<List<long>>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var firstValues = new List<long>();
            foreach (IList<Tensor> batch in loader)
            {
                Assert.Equal(2, batch.Count);
                Assert.Equal(Window, batch[0].shape[1]);
                Assert.Equal(Cols, batch[0].shape[2]);
                Assert.Equal(batch[0].shape[0], batch[1].shape[0]);
                for (long i = 0; i < batch[0].shape[0]; i++)
                {
                    // Recover each window's start from its first value: row = floor(value / 1000).
                    firstValues.Add((long)(batch[0][i, 0, 0].ToDouble() / 1000));
                }
            }

            epochs.Add(firstValues);
        }

        Assert.Equal(dataset.Count, epochs[0].Count);
        Assert.NotEqual(epochs[0], epochs[1]); // a new permutation every epoch
        Assert.Equal(epochs[0].Order(), epochs[1].Order()); // of the same windows
    }

    [Fact]
    public void TorchSharpDataLoader_OverTheDataset_BatchesEveryWindow()
    {
        using var dataset = new WindowIterableDataset(_options);
        using var loader = torch.utils.data.DataLoader(dataset, 16, shuffle: false, disposeDataset: false);
        long windows = 0;
        foreach (IList<Tensor> batch in loader)
        {
            windows += batch[0].shape[0];
            Assert.Equal([batch[0].shape[0], Window, Cols], batch[0].shape);
        }

        Assert.Equal(dataset.Count, windows);
    }
}
