using TrainingSample.Torch;
using WindowDataset.Synthetic;

namespace WindowDataset.TorchSharp.Tests;

public sealed class TrainingTests
{
    [Fact]
    public void Train_ThreeEpochsOnAutoregressiveData_LowersTheLoss()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ar.npy");
        SyntheticData.WriteNpy(path, 8_000, 8, ElementType.Float32, SignalKind.Ar, seed: 3);
        var options = new WindowLoaderOptions
        {
            Source = SourceOptions.FromPaths(path),
            Window = 16,
            BatchSize = 32,
            WindowsPerEpoch = 2_000,
            Seed = 4,
            MemoryBudget = 16L << 20,
            Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 1 },
        };
        using var loader = new TensorWindowLoader(options);

        var waits = new WaitHistogram();

        IReadOnlyList<EpochReport> reports = Trainer.Train(loader, new TrainerSettings(Epochs: 3, LearningRate: 1e-3, Hidden: 32, Model: "mlp", Seed: 1), waits: waits);

        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.Equal(2_000, r.Windows));
        Assert.True(reports[2].Loss < reports[0].Loss, $"loss per epoch: {string.Join(", ", reports.Select(r => r.Loss))}");
        Assert.All(reports, r => Assert.InRange(r.DataWaitShare, 0, 1));

        // Every batch but the run's first (start-up, kept apart) is in exactly one bucket; the waits add up to the epochs'.
        long batches = 3 * loader.BatchesPerEpoch;
        Assert.Equal(batches - 1, waits.Count);
        Assert.Equal(batches - 1, waits.ToDictionary().Values.Sum());
        Assert.Equal(12, waits.ToDictionary().Count);
        Assert.InRange(waits.MaxSeconds + waits.FirstSeconds, 0, reports.Sum(r => r.WaitSeconds) + 1e-9);
        Assert.InRange(waits.StallSeconds, 0, waits.MaxSeconds * waits.Stalls);
    }
}
