using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Statistics.Infrastructure;

namespace WindowDataset.Tests.Statistics;

/// <summary>The <c>normalize</c> and <c>missing: fill</c> keys in config files: one-line errors with the file, JSON path, expected and found.</summary>
public sealed class NormalizeConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public NormalizeConfigTests()
    {
        File.Copy(StatsFixtures.File("f4.npy"), _dir.File("a.npy"));
        File.Copy(StatsFixtures.File("f4.stats.json"), _dir.File("a.stats.json"));
        File.Copy(StatsFixtures.File("f8.stats.json"), _dir.File("other.stats.json"));
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("\"normalize\": {}", "$.loader.normalize.stats: normalize.stats: expected the path of a statistics file (windowds stats); found none.")]
    [InlineData("\"normalize\": { \"stats\": \"a.stats.json\" }, \"outputType\": \"int16\"", "$.loader.outputType: outputType: expected float32 or float64 with normalize; found int16.")]
    [InlineData("\"missing\": \"fill\"", "$.loader.missing: missing: fill without fillValue needs normalize.stats (the column means); found none.")]
    [InlineData("\"normalize\": { \"stats\": \"nope.json\" }", "$.loader.normalize.stats: expected an existing statistics file (windowds stats); found 'nope.json'")]
    [InlineData("\"normalize\": { \"stats\": \"a.stats.json\", \"method\": \"zscore\" }", "$.loader.normalize.method: expected one of \"standard\", \"minMax\", \"none\"; found ")]
    [InlineData("\"normalize\": { \"stats\": \"a.stats.json\", \"scale\": 2 }", "$.loader.normalize.scale")]
    public void LoadFile_BadNormalize_ThrowsOneLineWithFileAndJsonPath(string json, string expected)
    {
        string config = Write(json);

        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));

        Assert.StartsWith(config + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void LoadFile_RelativeStats_ResolvesNextToTheConfigAndNormalizes()
    {
        string config = Write("\"normalize\": { \"stats\": \"a.stats.json\", \"method\": \"minmax\" }, \"outputType\": \"float32\"");

        WindowLoaderOptions options = WindowLoaderOptions.LoadFile(config);
        byte[] actual = StatsFixtures.ReadAllBytes(options);

        Assert.Equal(_dir.File("a.stats.json"), options.Normalize!.Stats);
        Assert.Equal(NormalizeMethod.MinMax, options.Normalize.Method);
        byte[] expected = StatsFixtures.ReadAllBytes(new WindowLoaderOptions { Source = SourceOptions.FromPaths(StatsFixtures.File("f4__minmax_f4.npy")) });
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void WindowReader_StatsOfAnotherRowShape_ThrowsAtLoad()
    {
        WindowLoaderOptions options = WindowLoaderOptions.LoadFile(Write("\"normalize\": { \"stats\": \"other.stats.json\" }"));

        var ex = Assert.Throws<InvalidDataException>(() => new WindowReader(options));

        Assert.Equal($"{_dir.File("other.stats.json")}: rowShape: expected [5] (the source's); found [4].", ex.Message);
    }

    [Fact]
    public void Validate_FillWithoutValueOrStats_ThrowsArgumentException()
    {
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(_dir.File("a.npy")), Missing = MissingValues.Fill };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("missing", ex.ParamName);
    }

    [Fact]
    public void Validate_FillWithStatsOnly_Passes()
    {
        var options = new WindowLoaderOptions
        {
            Source = SourceOptions.FromPaths(_dir.File("a.npy")),
            Missing = MissingValues.Fill,
            Normalize = new NormalizeOptions { Stats = _dir.File("a.stats.json"), Method = NormalizeMethod.None },
        };

        options.Validate();

        Assert.Equal(NormalizeMethod.None, options.Normalize.Method);
    }

    [Fact]
    public void Clone_Normalize_IsADeepCopy()
    {
        var options = new WindowLoaderOptions { Normalize = new NormalizeOptions { Stats = "a.json" } };

        WindowLoaderOptions copy = options.Clone();
        copy.Normalize!.Stats = "b.json";

        Assert.Equal("a.json", options.Normalize.Stats);
    }

    private string Write(string json)
    {
        string config = _dir.File("config.json");
        File.WriteAllText(config, $$"""{ "loader": { "source": { "paths": ["a.npy"] }, {{json}} } }""");
        return config;
    }
}
