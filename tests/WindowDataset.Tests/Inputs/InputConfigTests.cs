using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Inputs.Infrastructure;

namespace WindowDataset.Tests.Inputs;

/// <summary>The <c>inputs</c>, <c>concat</c> and <c>target.input</c> keys in JSON configs: binding, and one-line errors naming the file and JSON path.</summary>
public sealed class InputConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadFile_InputsWithRelativePaths_BindsAndReadsLikeTheOptions()
    {
        foreach (string name in new[] { "x_0.npy", "x_1.npy", "cov_0.npy", "cov_1.npy" })
        {
            File.Copy(InputFixtures.Full(name), _dir.File(name));
        }

        string config = Write("""
            {"loader": {"window": 5, "batchSize": 4, "sampler": "sequential", "workers": 2,
              "inputs": [
                {"name": "x", "paths": ["x_0.npy", "x_1.npy"]},
                {"name": "cov", "glob": "cov_*.npy", "outputType": "float32"}
              ],
              "target": {"kind": "next", "horizon": 2, "input": "cov"}}}
            """);
        WindowLoaderOptions options = WindowLoaderOptions.LoadFile(config);
        Assert.Equal(2, options.Inputs!.Count);
        Assert.Equal(_dir.File("x_0.npy"), options.Inputs[0].Paths[0]);
        Assert.Equal(ElementType.Float32, options.Inputs[1].OutputType);
        Assert.Equal("cov", options.Target.Input);
        using var loader = new WindowLoader(options);
        Assert.Equal(InputFixtures.Starts("starts_w5_h2.npy").Length, loader.ValidStarts);
        Assert.Equal(ElementType.Float32, loader.TargetElementType);
        WindowLoaderOptions copy = options.Clone();
        copy.Inputs![0].Paths.Clear();
        Assert.Single(options.Inputs[0].Paths, _dir.File("x_0.npy"));
        Assert.Equal(2, options.Inputs[0].Paths.Count);
    }

    [Theory]
    [InlineData("""{"source": {"paths": ["x.npy"]}, "inputs": [{"name": "x", "paths": ["x.npy"]}]}""", "$.inputs: inputs: expected either source or inputs; found both")]
    [InlineData("""{"inputs": []}""", "$.inputs: inputs: expected at least one input or null; found an empty list.")]
    [InlineData("""{"inputs": [{"name": "", "paths": ["x.npy"]}]}""", "$.inputs[0].name: inputs[0].name: expected a non-empty name; found ''.")]
    [InlineData("""{"inputs": [{"name": "x", "paths": ["x.npy"]}, {"name": "x", "paths": ["x.npy"]}]}""", "$.inputs[1].name: inputs[1].name: expected a name unique among the inputs; found 'x', the name of inputs[0].")]
    [InlineData("""{"inputs": [{"name": "x"}]}""", "$.inputs[0].paths: inputs[0]: expected at least one path or a glob; found none.")]
    [InlineData("""{"inputs": [{"name": "x", "paths": ["x.npy"], "dtype": "f9"}]}""", "$.inputs[0].dtype: inputs[0].dtype: expected one of")]
    [InlineData("""{"source": {"paths": ["x.npy"]}, "concat": true}""", "$.concat: concat: expected inputs (concat joins several aligned arrays); found a single source.")]
    [InlineData("""{"inputs": [{"name": "x", "paths": ["x.npy"]}], "target": {"kind": "next", "input": "y"}}""", "$.target.input: target.input: expected the name of an input ('x'); found 'y'.")]
    [InlineData("""{"inputs": [{"name": "x", "paths": ["x.npy"]}], "target": {"kind": "none", "input": "x"}}""", "$.target.input: target.input: expected only with kind 'next'; found 'x' with kind 'none'.")]
    [InlineData("""{"source": {"paths": ["x.npy"]}, "target": {"kind": "next", "input": "x"}}""", "$.target.input: target.input: expected inputs to choose from; found 'x' with a single source.")]
    [InlineData("""{"inputs": [{"name": "x", "paths": ["missing.npy"]}]}""", "$.inputs[0].paths[0]: expected an existing file")]
    [InlineData("""{"inputs": [{"name": "x", "paths": ["x.npy"], "colour": 1}]}""", "colour")]
    public void LoadFile_BadInputs_OneLineErrorNamingTheFileAndKey(string json, string expected)
    {
        File.Copy(InputFixtures.Full("x.npy"), _dir.File("x.npy"));
        string config = Write(json);
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.StartsWith(config + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Validate_InputsAndSourceBoth_ThrowsArgumentExceptionNamingInputs()
    {
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths("a.npy"), Inputs = [InputOptions.FromPaths("x", "a.npy")] };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal("inputs", ex.ParamName);
    }

    [Fact]
    public void Validate_NeitherSourceNorInputs_RefusesTheMissingSource()
    {
        var ex = Assert.Throws<ArgumentException>(new WindowLoaderOptions().Validate);
        Assert.Equal("source.paths", ex.ParamName);
    }

    private string Write(string json)
    {
        string path = _dir.File("loader.json");
        File.WriteAllText(path, json);
        return path;
    }
}
