using Microsoft.ML;
using Microsoft.ML.Data;
using WindowDataset.ML.Tests.Infrastructure;
using WindowDataset.Synthetic;

namespace WindowDataset.ML.Tests;

public sealed class WindowDataViewTrainerTests
{
    [Fact]
    public void FastTree_FitAndPredictOnView_LearnsTheNextValue()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ar.npy");
        SyntheticData.WriteNpy(path, 2000, 10, ElementType.Float32, SignalKind.Ar, seed: 3);
        var options = new WindowDataViewOptions
        {
            Loader = new WindowLoaderOptions
            {
                Source = SourceOptions.FromPaths(path),
                Window = 8,
                BatchSize = 128,
                Sampler = SamplerKind.Sequential,
                Workers = 2,
                Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 1 },
            },
            LabelIndex = 0,
        };
        var view = new WindowDataView(options);
        var ml = new MLContext(seed: 1);

        var model = ml.Regression.Trainers.FastTree(numberOfTrees: 20, numberOfLeaves: 8, minimumExampleCountPerLeaf: 10).Fit(view);
        IDataView scored = model.Transform(view);
        RegressionMetrics metrics = ml.Regression.Evaluate(scored);
        float[] scores = [.. scored.GetColumn<float>("Score")];

        Assert.Equal(view.GetRowCount(), scores.Length);
        Assert.True(metrics.RSquared > 0.5, $"R² {metrics.RSquared}");
    }

    [Fact]
    public void Sdca_MultiplePassesOverShuffledView_Converges()
    {
        using var dir = new TempDirectory();
        string path = dir.File("ar.npy");
        SyntheticData.WriteNpy(path, 3000, 4, ElementType.Float32, SignalKind.Ar, seed: 5);
        var inner = new WindowDataView(new WindowDataViewOptions
        {
            Loader = new WindowLoaderOptions
            {
                Source = SourceOptions.FromPaths(path),
                Window = 8,
                BatchSize = 64,
                Workers = 2,
                Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 1 },
            },
            LabelIndex = 1,
        });
        var view = new RecordingDataView(inner);
        var ml = new MLContext(seed: 2);

        var model = ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 20).Fit(view);
        RegressionMetrics metrics = ml.Regression.Evaluate(model.Transform(inner));

        Assert.True(metrics.RSquared > 0.5, $"R² {metrics.RSquared}");
        Assert.True(view.ShuffledCursorings >= 2, $"SDCA opened {view.ShuffledCursorings} shuffled cursorings; expected one per pass");
    }
}
