using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Ranges;

/// <summary>
/// The whole dataset setup by config alone: statistics of the training rows, a split with a gap, normalization and
/// windows with missing values skipped; the train and val loaders differ only in <c>use</c>.
/// </summary>
public sealed class TrainValidateTests
{
    private const int Cols = 3;
    private const int Window = 8;
    private static readonly long[] s_nanRows = [100, 700, 1650];

    [Theory]
    [InlineData("train", 0L, 1600L, 1592L - 18)]
    [InlineData("val", 1664L, 1800L, 128L)]
    public void LoadFile_SplitNormalizeSkipWindows_WindowsInTheirRangeNormalizedWithoutNaN(string use, long from, long to, long validStarts)
    {
        using var dir = new TempDirectory();
        string data = TestArrays.WriteNpy(dir.File("a.npy"), 2000, Cols);
        long length = new FileInfo(data).Length;
        using (var f = new FileStream(data, FileMode.Open, FileAccess.ReadWrite))
        {
            foreach (long row in s_nanRows)
            {
                f.Position = length - ((2000 - row) * Cols * sizeof(double)) + sizeof(double); // column 1
                f.Write(BitConverter.GetBytes(double.NaN));
            }
        }

        ArrayStatistics stats = ArrayStatistics.Compute(SourceOptions.FromPaths(data), 0, 1600);
        stats.Save(dir.File("a.stats.json"));
        Assert.Equal(2, stats.NanCount[1]); // rows 100 and 700 are in the training rows
        string config = dir.File("job.json");
        File.WriteAllText(config, $$"""
            { "loader": {
                "source": { "paths": ["a.npy"] },
                "window": {{Window}}, "batchSize": 16, "outputType": "float32", "workers": 2, "memoryBudget": "16MiB",
                "target": { "kind": "next", "horizon": 1 },
                "split": { "train": [0.0, 0.8], "val": [0.8, 0.9], "test": [0.9, 1.0], "gap": 64 },
                "use": "{{use}}",
                "normalize": { "stats": "a.stats.json", "method": "standard" },
                "missing": "skipWindows" } }
            """);

        using var loader = new WindowLoader(WindowLoaderOptions.LoadFile(config));
        Assert.Equal(validStarts, loader.ValidStarts);
        var seen = new HashSet<long>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<float> x = batch.GetData<float>();
            Span<float> y = batch.GetTargetData<float>();
            for (int i = 0; i < batch.Count; i++)
            {
                long s = batch.Starts[i];
                seen.Add(s);
                Assert.InRange(s, from, to - Window - 1); // the window and its target inside the range
                for (int k = 0; k <= Window; k++)
                {
                    Assert.DoesNotContain(s + k, s_nanRows);
                    for (int c = 0; c < Cols; c++)
                    {
                        float expected = (float)((TestArrays.Value(s + k, c) - stats.Mean[c]) * (1.0 / stats.Std[c]));
                        float actual = k < Window ? x[(((i * Window) + k) * Cols) + c] : y[(i * Cols) + c];
                        Assert.Equal(expected, actual);
                    }
                }
            }
        }

        Assert.Equal(validStarts, seen.Count); // a permutation epoch: every kept start once
    }
}
