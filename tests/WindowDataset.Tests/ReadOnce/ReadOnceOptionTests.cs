using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.ReadOnce;

/// <summary>The <c>coalesce</c> and <c>stridedWindows</c> keys: bound from JSON, copied by Clone, refused where a strided view cannot be.</summary>
public sealed class ReadOnceOptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ReadOnceOptionTests() => TestArrays.WriteNpy(_dir.File("a.npy"), 40, 3);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadFile_CoalesceAndStridedWindows_Bound()
    {
        string config = _dir.File("c.json");
        File.WriteAllText(config, """{ "loader": { "source": { "paths": ["a.npy"] }, "sampler": "sequential", "coalesce": false, "stridedWindows": true } }""");

        WindowLoaderOptions options = WindowLoaderOptions.LoadFile(config);

        Assert.False(options.Coalesce);
        Assert.True(options.StridedWindows);
        WindowLoaderOptions copy = options.Clone();
        Assert.False(copy.Coalesce);
        Assert.True(copy.StridedWindows);
        Assert.True(new WindowLoaderOptions().Coalesce);
        Assert.False(new WindowLoaderOptions().StridedWindows);
    }

    [Theory]
    [InlineData("\"sampler\": \"uniform\"", "stridedWindows: expected sampler sequential without explicit starts (a strided view needs evenly spaced windows); found sampler uniform.")]
    [InlineData("\"sampler\": \"sequential\", \"starts\": [1, 2]", "stridedWindows: expected sampler sequential without explicit starts (a strided view needs evenly spaced windows); found explicit starts.")]
    public void LoadFile_StridedWindowsWithoutSequentialSampler_OneLineErrorAtItsJsonPath(string members, string message)
    {
        string config = _dir.File("c.json");
        File.WriteAllText(config, $$"""{ "loader": { "source": { "paths": ["a.npy"] }, "stridedWindows": true, {{members}} } }""");

        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));

        Assert.Equal($"{config}: $.loader.stridedWindows: {message}", ex.Message);
    }

    [Fact]
    public void Validate_StridedWindowsWithPermutation_ThrowsArgumentExceptionNamingTheKey()
    {
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(_dir.File("a.npy")), Sampler = SamplerKind.Permutation, StridedWindows = true };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("stridedWindows", ex.ParamName);
        Assert.StartsWith("stridedWindows: expected sampler sequential", ex.Message, StringComparison.Ordinal);
    }
}
