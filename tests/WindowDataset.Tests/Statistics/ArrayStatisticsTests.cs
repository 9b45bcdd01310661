using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Statistics.Infrastructure;

namespace WindowDataset.Tests.Statistics;

/// <summary><see cref="ArrayStatistics"/> against numpy (Fixtures/stats/make.py): nanmean, nanstd, nanmin, nanmax over the finite values.</summary>
public sealed class ArrayStatisticsTests
{
    public static TheoryData<string, long, long> Ranges => new()
    {
        { "f8", 0, 1000 }, { "f8", 100, 900 }, { "f8", 999, 1000 },
        { "f4", 0, 777 }, { "f4", 5, 300 },
        { "i2", 0, 500 }, { "i2", 10, 20 },
        { "be", 0, 300 },
        { "multi", 0, 200 }, { "multi", 50, 150 },
        { "h5", 0, 300 }, { "h5", 70, 250 },
        { "zarr", 0, 300 }, { "zarr", 33, 222 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Compute_FixtureRows_MatchNumpy(string name, long start, long end)
    {
        ArrayStatistics stats = ArrayStatistics.Compute(StatsFixtures.Source(name), start, end);

        AssertMatches(StatsFixtures.Expected(name, start, end), stats);
        Assert.Equal(end - start, stats.Rows);
        Assert.Equal(start, stats.RowStart);
    }

    [Fact]
    public void Compute_MultiAxisRows_KeepsTheRowShape()
    {
        ArrayStatistics stats = ArrayStatistics.Compute(StatsFixtures.Source("multi"));

        Assert.Equal([3, 4], stats.RowShape);
        Assert.Equal(12, stats.Mean.Count);
    }

    [Fact]
    public void Compute_AllMissingElement_GivesNaNAndFullNanCount()
    {
        ArrayStatistics stats = ArrayStatistics.Compute(StatsFixtures.Source("f8"));

        Assert.Equal(0, stats.Count[3]);
        Assert.Equal(1000, stats.NanCount[3]);
        Assert.True(double.IsNaN(stats.Mean[3]) && double.IsNaN(stats.Std[3]) && double.IsNaN(stats.Min[3]) && double.IsNaN(stats.Max[3]));
        Assert.Equal(0.0, stats.Std[2]);
    }

    [Fact]
    public void Compute_LargeArrayOverSeveralBuffersAndThreads_MatchesTwoPassReference()
    {
        // 3 columns x 600k rows of float64 = 14 MiB: more than one 8 MiB buffer, so both threads and the merges run.
        using var dir = new TempDirectory();
        const int rows = 600_000;
        string path = dir.File("big.npy");
        var rng = new Random(5);
        double[] data = new double[rows * 3];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i % 3 == 0 ? 1e6 + rng.NextDouble() : i % 3 == 1 ? (i % 1000 == 1 ? double.NaN : rng.NextDouble() * 10) : -3;
        }

        using (var writer = new NpyWriter(path, ElementType.Float64, [rows, 3]))
        {
            writer.Write<double>(data);
            writer.Complete();
        }

        ArrayStatistics stats = ArrayStatistics.Compute(SourceOptions.FromPaths(path));

        for (int j = 0; j < 3; j++)
        {
            (long count, double mean, double std, double min, double max) = TwoPass(data, 3, j);
            Assert.Equal(count, stats.Count[j]);
            Assert.Equal(rows - count, stats.NanCount[j]);
            Assert.Equal(min, stats.Min[j]);
            Assert.Equal(max, stats.Max[j]);
            AssertClose(mean, stats.Mean[j], std);
            AssertClose(std, stats.Std[j], std);
        }
    }

    [Fact]
    public void Compute_LongRows_MatchesScalarReference()
    {
        // 70 elements per row: the accumulator's vectors run along the row with a scalar tail.
        using var dir = new TempDirectory();
        const int rows = 300, columns = 70;
        var rng = new Random(3);
        double[] data = new double[rows * columns];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i % 53 == 0 ? double.NaN : (rng.NextDouble() * 4) + (i % columns);
        }

        string path = dir.File("long.npy");
        using (var writer = new NpyWriter(path, ElementType.Float64, [rows, columns]))
        {
            writer.Write<double>(data);
            writer.Complete();
        }

        ArrayStatistics stats = ArrayStatistics.Compute(SourceOptions.FromPaths(path), 1, rows);

        for (int j = 0; j < columns; j++)
        {
            var values = new List<double>();
            for (int r = 1; r < rows; r++)
            {
                if (double.IsFinite(data[(r * columns) + j]))
                {
                    values.Add(data[(r * columns) + j]);
                }
            }

            double mean = values.Sum() / values.Count;
            double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
            Assert.Equal(values.Count, stats.Count[j]);
            Assert.Equal(values.Min(), stats.Min[j]);
            Assert.Equal(values.Max(), stats.Max[j]);
            Assert.True(Math.Abs(mean - stats.Mean[j]) <= 1e-12 * Math.Abs(mean), $"mean[{j}]");
            Assert.True(Math.Abs(std - stats.Std[j]) <= 1e-12 * std, $"std[{j}]");
        }
    }

    [Fact]
    public void SaveLoad_RoundTrip_KeepsEveryValueExactly()
    {
        using var dir = new TempDirectory();
        ArrayStatistics stats = ArrayStatistics.Compute(StatsFixtures.Source("f8"), 100, 900);
        string path = dir.File("f8.stats.json");

        stats.Save(path);
        ArrayStatistics loaded = ArrayStatistics.Load(path);

        Assert.Equal(stats.Source, loaded.Source);
        Assert.Equal(stats.Rows, loaded.Rows);
        Assert.Equal(stats.RowStart, loaded.RowStart);
        Assert.Equal(stats.RowShape, loaded.RowShape);
        Assert.Equal(stats.Count, loaded.Count);
        Assert.Equal(stats.NanCount, loaded.NanCount);
        Assert.Equal(stats.Mean, loaded.Mean);
        Assert.Equal(stats.Std, loaded.Std);
        Assert.Equal(stats.Min, loaded.Min);
        Assert.Equal(stats.Max, loaded.Max);
    }

    [Fact]
    public void Save_ElementWithoutFiniteValues_WritesNull()
    {
        using var dir = new TempDirectory();
        string path = dir.File("f8.stats.json");

        ArrayStatistics.Compute(StatsFixtures.Source("f8")).Save(path);

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, doc.RootElement.GetProperty("mean")[3].ValueKind);
        Assert.Equal(1000, doc.RootElement.GetProperty("nanCount")[3].GetInt64());
        foreach (string key in new[] { "count", "mean", "std", "min", "max", "nanCount", "rows", "rowShape", "source" })
        {
            Assert.True(doc.RootElement.TryGetProperty(key, out _), key);
        }
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(10, 10)]
    [InlineData(0, 1001)]
    public void Compute_BadRowRange_ThrowsNamingTheFile(long start, long end)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ArrayStatistics.Compute(StatsFixtures.Source("f8"), start, end));

        Assert.Contains("f8.npy: rows: expected start:end with 0 <= start < end <= 1000", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"source\": 1}", "source: expected a string; found 1.")]
    [InlineData("[1]", "$: expected an object; found an array.")]
    [InlineData("{\"source\":\"a\",\"rows\":2,\"rowShape\":[2],\"count\":[2],\"mean\":[1,2],\"std\":[1,1],\"min\":[1,1],\"max\":[1,1],\"nanCount\":[0,0]}", "count: expected an array of 2 values (one per element of the row shape); found 1 values.")]
    [InlineData("{\"source\":\"a\",\"rows\":2,\"rowShape\":[1],\"count\":[2],\"mean\":[\"x\"],\"std\":[1],\"min\":[1],\"max\":[1],\"nanCount\":[0]}", "mean[0]: expected a finite number or null; found 'x'.")]
    [InlineData("{\"source\":\"a\",\"rows\":2,\"rowShape\":[1],\"count\":[1],\"mean\":[1],\"std\":[1],\"min\":[1],\"max\":[1],\"nanCount\":[0]}", "count[0]: expected count + nanCount = rows (2); found 1 + 0.")]
    [InlineData("{\"source\":\"a\",\"rows\":2,\"rowShape\":[1000000000],\"count\":[1]}", "rowShape: expected a row shape whose elements fit in the file's")]
    [InlineData("{\"source\":\"a\",\"extra\":1}", "extra: expected one of the keys")]
    [InlineData("{nope", "invalid JSON at line 1")]
    public void Load_BadFile_ThrowsOneLineNamingFileAndKey(string json, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.stats.json");
        File.WriteAllText(path, json);

        var ex = Assert.Throws<InvalidDataException>(() => ArrayStatistics.Load(path));

        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private static void AssertMatches(double[][] expected, ArrayStatistics stats)
    {
        int elements = expected[0].Length;
        Assert.Equal(elements, stats.Count.Count);
        for (int j = 0; j < elements; j++)
        {
            Assert.Equal((long)expected[0][j], stats.Count[j]);
            Assert.Equal((long)expected[5][j], stats.NanCount[j]);
            Assert.Equal(expected[3][j], stats.Min[j]);
            Assert.Equal(expected[4][j], stats.Max[j]);
            AssertClose(expected[1][j], stats.Mean[j], 0);
            AssertClose(expected[2][j], stats.Std[j], 0);
        }
    }

    /// <summary>Within 1e-12 relative (of the value, or of the spread for a mean near zero); NaN only where expected.</summary>
    private static void AssertClose(double expected, double actual, double spread)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"expected NaN; found {actual}");
            return;
        }

        double tolerance = 1e-12 * Math.Max(Math.Abs(expected), spread);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}; found {actual:R} (tolerance {tolerance:R})");
    }

    private static (long Count, double Mean, double Std, double Min, double Max) TwoPass(double[] data, int columns, int j)
    {
        // Compensated (Neumaier) sums, so the reference itself is good to the last digits.
        long count = 0;
        double sum = 0, c = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = j; i < data.Length; i += columns)
        {
            if (double.IsFinite(data[i]))
            {
                count++;
                Neumaier(ref sum, ref c, data[i]);
                min = Math.Min(min, data[i]);
                max = Math.Max(max, data[i]);
            }
        }

        double mean = (sum + c) / count, m2 = 0, c2 = 0;
        for (int i = j; i < data.Length; i += columns)
        {
            if (double.IsFinite(data[i]))
            {
                Neumaier(ref m2, ref c2, (data[i] - mean) * (data[i] - mean));
            }
        }

        return (count, mean, Math.Sqrt((m2 + c2) / count), min, max);
    }

    private static void Neumaier(ref double sum, ref double c, double x)
    {
        double t = sum + x;
        c += Math.Abs(sum) >= Math.Abs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
}
