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

        IReadOnlyList<EpochReport> reports = Trainer.Train(loader, new TrainerSettings(Epochs: 3, LearningRate: 1e-3, Hidden: 32, Model: "mlp", Seed: 1));

        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.Equal(2_000, r.Windows));
        Assert.True(reports[2].Loss < reports[0].Loss, $"loss per epoch: {string.Join(", ", reports.Select(r => r.Loss))}");
        Assert.All(reports, r => Assert.InRange(r.DataWaitShare, 0, 1));
    }
}
