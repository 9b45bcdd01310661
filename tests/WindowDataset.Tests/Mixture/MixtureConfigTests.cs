using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Mixture;

/// <summary>The <c>mixture</c> key: bound from JSON with paths relative to the config, and every broken rule one line naming the file and JSON path.</summary>
public sealed class MixtureConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public MixtureConfigTests()
    {
        TestArrays.WriteNpyShard(_dir.File("a.npy"), 0, 60, 3);
        TestArrays.WriteNpyShard(_dir.File("b.npy"), 10000, 40, 3);
        TestArrays.WriteNpyShard(_dir.File("narrow.npy"), 0, 40, 2);
        using var f32 = new NpyWriter(_dir.File("f32.npy"), ElementType.Float32, [40, 3]);
        f32.Write<float>(new float[120]);
        f32.Complete();
    }

    public void Dispose() => _dir.Dispose();

    private string Write(string loaderKeys, int window = 4)
    {
        string path = _dir.File("mix.json");
        File.WriteAllText(path, $$"""{ "loader": { "window": {{window}}, "batchSize": 8, "workers": 2, "memoryBudget": "64MiB", {{loaderKeys}} } }""");
        return path;
    }

    private const string TwoComponents = """
        "mixture": [ { "weight": 0.7, "source": { "paths": ["a.npy"] } }, { "weight": 0.3, "source": { "paths": ["b.npy"] } } ]
        """;

    [Fact]
    public void LoadFile_Mixture_BindsComponentsWithPathsRelativeToTheConfig()
    {
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(Write(TwoComponents));
        Assert.Equal(2, o.Mixture!.Count);
        Assert.Equal(0.7, o.Mixture[0].Weight);
        Assert.Equal(_dir.File("b.npy"), o.Mixture[1].Source.Paths[0]);
        using var loader = new WindowLoader(o);
        Assert.Equal(57 + 37, loader.ValidStarts);
        Assert.Equal(100, loader.Info.Rows);
        Assert.Equal(2, loader.Info.Shards.Count);
    }

    [Fact]
    public void Clone_Mixture_IsDeep()
    {
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(Write(TwoComponents));
        WindowLoaderOptions copy = o.Clone();
        copy.Mixture![0].Weight = 9;
        copy.Mixture[1].Source.Paths[0] = "x.npy";
        copy.Mixture.Add(new MixtureComponent());
        Assert.Equal(0.7, o.Mixture![0].Weight);
        Assert.Equal(_dir.File("b.npy"), o.Mixture[1].Source.Paths[0]);
        Assert.Equal(2, o.Mixture.Count);
    }

    public static TheoryData<string, string> Broken() => new()
    {
        { "\"mixture\": []", "mix.json: $.loader.mixture: mixture: expected at least one component (or no key); found an empty list." },
        { "\"mixture\": [ { \"weight\": 1, \"source\": { \"paths\": [\"a.npy\"] } }, { \"weight\": 0, \"source\": { \"paths\": [\"b.npy\"] } } ]", "mix.json: $.loader.mixture[1].weight: mixture[1].weight: expected a finite number > 0; found 0." },
        { "\"mixture\": [ { \"weight\": -2, \"source\": { \"paths\": [\"a.npy\"] } } ]", "mix.json: $.loader.mixture[0].weight: mixture[0].weight: expected a finite number > 0; found -2." },
        { "\"mixture\": [ { \"weight\": 1, \"source\": { \"paths\": [\"a.npy\"] } }, { \"weight\": 1, \"source\": { \"paths\": [] } } ]", "mix.json: $.loader.mixture[1].source.paths: mixture[1].source: expected at least one path or a glob; found none." },
        { "\"mixture\": [ { \"weight\": 1, \"source\": { \"paths\": [\"a.npy\"], \"rowShape\": [0] } } ]", "mix.json: $.loader.mixture[0].source.rowShape[0]: mixture[0].source.rowShape[0]: expected dimensions > 0; found 0." },
        { "\"mixture\": [ { \"weight\": 1, \"source\": { \"paths\": [\"s3://bucket/a.npy\"] } } ]", "mix.json: $.loader.mixture[0].source.paths[0]: mixture[0].source.paths[0]: expected a local file (sources by URL are not supported in a mixture yet); found a URL." },
        { "\"source\": { \"paths\": [\"a.npy\"] }, " + TwoComponents, "mix.json: $.loader.source: source: expected no paths or glob with mixture (each component has its own source); found 1 path(s)." },
        { "\"sampler\": \"sequential\", " + TwoComponents, "mix.json: $.loader.sampler: sampler: expected permutation or uniform with mixture (an epoch interleaves the components); found sequential." },
        { "\"starts\": [0, 1], " + TwoComponents, "mix.json: $.loader.starts: starts: expected none with mixture (the mixture chooses the starts); found a list." },
        { "\"shuffleBlock\": { \"rows\": 8 }, " + TwoComponents, "mix.json: $.loader.shuffleBlock: shuffleBlock: expected none with mixture (not supported yet); found an object." },
        { "\"target\": { \"kind\": \"file\", \"source\": { \"paths\": [\"a.npy\"] } }, " + TwoComponents, "mix.json: $.loader.target.kind: target.kind: expected none or next with mixture (file labels per component are not supported yet); found file." },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void LoadFile_BrokenMixture_OneLineNamingFileAndJsonPath(string keys, string expected)
    {
        string config = Write(keys);
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.Equal(_dir.File(expected), ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void LoadFile_MissingComponentFile_NamesItsJsonPath()
    {
        string config = Write("""
            "mixture": [ { "weight": 1, "source": { "paths": ["a.npy"] } }, { "weight": 1, "source": { "paths": ["a.npy", "gone.npy"] } } ]
            """);
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.StartsWith($"{config}: $.loader.mixture[1].source.paths[1]: expected an existing file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("gone.npy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowLoader_ComponentRowShapeDiffers_NamesComponentExpectedAndFound()
    {
        string config = Write("""
            "mixture": [ { "weight": 1, "source": { "paths": ["a.npy"] } }, { "weight": 1, "source": { "paths": ["narrow.npy"] } } ]
            """);
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(config);
        var ex = Assert.Throws<InvalidDataException>(() => new WindowLoader(o));
        Assert.Equal($"{_dir.File("narrow.npy")}: mixture[1].source: row shape: expected (3,) (mixture[0]'s, {_dir.File("a.npy")}); found (2,).", ex.Message);
    }

    [Fact]
    public void WindowLoader_ComponentDTypeDiffers_NamesComponentExpectedAndFound()
    {
        string config = Write("""
            "mixture": [ { "weight": 1, "source": { "paths": ["a.npy"] } }, { "weight": 1, "source": { "paths": ["f32.npy"] } } ]
            """);
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(config);
        var ex = Assert.Throws<InvalidDataException>(() => new WindowLoader(o));
        Assert.Equal($"{_dir.File("f32.npy")}: mixture[1].source: dtype: expected <f8 (mixture[0]'s, {_dir.File("a.npy")}); found <f4.", ex.Message);
    }

    [Fact]
    public void WindowLoader_NoWindowFitsAComponent_NamesTheComponent()
    {
        string config = Write(TwoComponents, window: 50);
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(config);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(o));
        Assert.StartsWith($"{_dir.File("b.npy")}: mixture[1]: window: expected at most 40 rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NaNWeight_OutOfRangeNamingTheKey()
    {
        var o = new WindowLoaderOptions
        {
            Source = null!,
            Mixture = [new MixtureComponent { Weight = double.NaN, Source = SourceOptions.FromPaths(_dir.File("a.npy")) }],
        };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        Assert.Equal("mixture[0].weight", ex.ParamName);
    }

    [Fact]
    public void WindowLoader_OneComponent_ReadsLikeItsSource()
    {
        var o = new WindowLoaderOptions
        {
            Mixture = [new MixtureComponent { Weight = 3, Source = SourceOptions.FromPaths(_dir.File("b.npy")) }],
            Window = 4,
            BatchSize = 8,
            Workers = 2,
            Seed = 1,
            MemoryBudget = 64L << 20,
        };
        using var loader = new WindowLoader(o);
        var starts = new List<long>();
        foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(0)))
        {
            starts.AddRange(b.Starts.ToArray());
        }

        Assert.Equal(Enumerable.Range(0, 37).Select(i => (long)i), starts.Order());
        Assert.Equal([37L], loader.GetStatistics().ComponentWindows);
    }
}
