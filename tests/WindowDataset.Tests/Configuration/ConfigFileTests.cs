using System.Text.Json;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Sources;

namespace WindowDataset.Tests.Configuration;

/// <summary>JSON configs bind to <see cref="WindowLoaderOptions"/> strictly: every error names the file and the key's JSON path.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ConfigFileTests()
    {
        TestArrays.WriteNpy(_dir.File("a.npy"), 40, 3);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadFile_EveryKey_BindsAndResolvesPathsAgainstTheConfigFolder()
    {
        TestArrays.WriteNpy(_dir.File("labels.npy"), 50, 1);
        Directory.CreateDirectory(_dir.File("parts"));
        TestArrays.WriteNpyShard(_dir.File("parts/p-0.npy"), 0, 10, 3);
        string config = Write("run.json", """
            // comments and trailing commas are allowed
            {
              "experiment": "ignored: only the loader section is bound",
              "loader": {
                "source": { "paths": ["a.npy"], "glob": "parts/p-*.npy", "format": "npy", },
                "window": 12,
                "batchSize": 5,
                "sampler": "uniform",
                "stride": 3,
                "windowsPerEpoch": 1000,
                "starts": null,
                "dropLast": true,
                "seed": 18446744073709551615,
                "rank": 1,
                "worldSize": 2,
                "workers": 3,
                "prefetch": 4,
                "memoryBudget": "1.5GiB",
                "outputType": "float32",
                "io": "mmap",
                "readAhead": 0,
                "pageCache": "dropAfterRead",
                "target": { "kind": "file", "source": { "paths": ["labels.npy"] }, "offset": -2, "horizon": 3 },
              },
            }
            """);
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(config);

        Assert.Equal([_dir.File("a.npy")], o.Source.Paths);
        Assert.Equal(Path.Combine(_dir.Path, "parts/p-*.npy"), o.Source.Glob);
        Assert.Equal(SourceFormat.Npy, o.Source.Format);
        Assert.Equal(12, o.Window);
        Assert.Equal(5, o.BatchSize);
        Assert.Equal(SamplerKind.Uniform, o.Sampler);
        Assert.Equal(3, o.Stride);
        Assert.Equal(1000, o.WindowsPerEpoch);
        Assert.Null(o.Starts);
        Assert.True(o.DropLast);
        Assert.Equal(ulong.MaxValue, o.Seed);
        Assert.Equal(1, o.Rank);
        Assert.Equal(2, o.WorldSize);
        Assert.Equal(3, o.Workers);
        Assert.Equal(4, o.Prefetch);
        Assert.Equal(3L << 29, o.MemoryBudget);
        Assert.Equal(ElementType.Float32, o.OutputType);
        Assert.Equal(IoMode.Mmap, o.Io);
        Assert.Equal(0, o.ReadAhead);
        Assert.Equal(PageCachePolicy.DropAfterRead, o.PageCache);
        Assert.Equal(TargetKind.File, o.Target.Kind);
        Assert.Equal([_dir.File("labels.npy")], o.Target.Source!.Paths);
        Assert.Equal(-2, o.Target.Offset);
        Assert.Equal(3, o.Target.Horizon);

        using var loader = new WindowLoader(o);
        Assert.Equal(50, loader.Info.Rows);
    }

    [Fact]
    public void LoadFile_RawSourceAtTheRoot_BindsAndReadsNumpyValues()
    {
        File.Copy(NumpyFixtures.Full("raw/offset64_i2_be.bin"), _dir.File("data.bin"));
        string config = Write("raw.json", """
            { "source": { "paths": ["data.bin"], "format": "raw", "dtype": ">i2", "rowShape": [2, 2], "rows": 33, "headerOffset": 64 },
              "window": 4, "batchSize": 3, "outputType": "f8", "sampler": "sequential", "memoryBudget": 1048576 }
            """);
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(config);
        Assert.Equal(">i2", o.Source.DType);
        Assert.Equal([2, 2], o.Source.RowShape);
        Assert.Equal(33, o.Source.Rows);
        Assert.Equal(64, o.Source.HeaderOffset);
        Assert.Equal(1L << 20, o.MemoryBudget);

        byte[] expected = NumpyFixtures.Expected(NumpyFixtures.Entry("raw_offset"), "float64");
        using var loader = new WindowReader(o);
        byte[] window = new byte[loader.WindowBytes];
        loader.ReadWindow(29, window);
        Assert.Equal(expected[(29 * 32)..], window);
    }

    [Theory]
    [InlineData("1073741824", 1L << 30)]
    [InlineData("\"512MiB\"", 512L << 20)]
    [InlineData("\"8GB\"", 8_000_000_000L)]
    [InlineData("\"2GiB\"", 2L << 30)]
    [InlineData("\"64 KiB\"", 64L << 10)]
    [InlineData("\"100\"", 100L)]
    public void LoadFile_MemoryBudgetWithUnits_Bound(string json, long bytes)
    {
        string config = Write("m.json", $$"""{ "source": { "paths": ["a.npy"] }, "memoryBudget": {{json}} }""");
        Assert.Equal(bytes, WindowLoaderOptions.LoadFile(config).MemoryBudget);
    }

    [Theory]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"] }, "batchSizee": 4 } }""", "$.loader.batchSizee", "unknown key 'batchSizee' (known keys: source, window, batchSize,")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"], "foo": 1 } } }""", "$.loader.source.foo", "unknown key 'foo' (known keys: paths, glob, format, dataset, endpoint, dtype, rowShape, rows, headerOffset).")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"], "dType": "f8" } } }""", "$.loader.source.dType", "unknown key 'dType'")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"] }, "target": { "kind": "next", "bar": [] } } }""", "$.loader.target.bar", "unknown key 'bar'")]
    [InlineData("""{ "source": { "paths": ["a.npy"] }, "Window": 4 }""", "$.Window", "unknown key 'Window'")]
    public void LoadFile_UnknownKey_RefusedWithFileAndJsonPath(string json, string jsonPath, string problem) =>
        AssertRefused(json, jsonPath, problem);

    [Theory]
    [InlineData("\"window\": \"16\"", "$.loader.window", "expected an integer from -2147483648 to 2147483647 (32-bit integer); found \"16\".")]
    [InlineData("\"window\": 16.5", "$.loader.window", "32-bit integer); found 16.5.")]
    [InlineData("\"window\": 99999999999", "$.loader.window", "32-bit integer); found 99999999999.")]
    [InlineData("\"batchSize\": null", "$.loader.batchSize", "32-bit integer); found null.")]
    [InlineData("\"workers\": \"4\"", "$.loader.workers", "expected a worker count (an integer 1..256) or \"auto\"; found \"4\".")]
    [InlineData("\"workers\": \"fast\"", "$.loader.workers", "expected a worker count (an integer 1..256) or \"auto\"; found \"fast\".")]
    [InlineData("\"workers\": 2.5", "$.loader.workers", "or \"auto\"; found 2.5.")]
    [InlineData("\"dropLast\": \"yes\"", "$.loader.dropLast", "expected true or false; found \"yes\".")]
    [InlineData("\"seed\": -1", "$.loader.seed", "(unsigned 64-bit integer); found -1.")]
    [InlineData("\"sampler\": \"random\"", "$.loader.sampler", "expected one of \"uniform\", \"permutation\", \"sequential\"; found \"random\".")]
    [InlineData("\"io\": 1", "$.loader.io", "expected one of \"pread\", \"mmap\"; found 1.")]
    [InlineData("\"memoryBudget\": \"lots\"", "$.loader.memoryBudget", "found \"lots\".")]
    [InlineData("\"memoryBudget\": true", "$.loader.memoryBudget", "expected a byte count")]
    [InlineData("\"memoryBudget\": 1.5", "$.loader.memoryBudget", "expected a byte count (an integer, or a string such as \"2GiB\"); found 1.5.")]
    [InlineData("\"outputType\": \"complex64\"", "$.loader.outputType", "found \"complex64\".")]
    [InlineData("\"outputType\": \">f4\"", "$.loader.outputType", "batches are never big-endian; found \">f4\".")]
    [InlineData("\"outputType\": 4", "$.loader.outputType", "element type")]
    [InlineData("\"starts\": [1, \"2\"]", "$.loader.starts[1]", "expected an integer (64-bit integer); found \"2\".")]
    [InlineData("\"starts\": 5", "$.loader.starts", "expected an array (of an integer (64-bit integer)); found 5.")]
    [InlineData("\"target\": { \"kind\": \"labels\" }", "$.loader.target.kind", "expected one of \"none\", \"next\", \"file\"; found \"labels\".")]
    [InlineData("\"target\": { \"offset\": 0.5 }", "$.loader.target.offset", "64-bit integer); found 0.5.")]
    [InlineData("\"target\": 3", "$.loader.target", "expected an object; found 3.")]
    [InlineData("\"source\": { \"paths\": \"a.npy\" }", "$.loader.source.paths", "expected an array (of a string); found \"a.npy\".")]
    [InlineData("\"source\": { \"paths\": [\"a.npy\"], \"rowShape\": [2, 1.5] }", "$.loader.source.rowShape[1]", "32-bit integer); found 1.5.")]
    [InlineData("\"source\": { \"paths\": [\"a.npy\"], \"format\": \"netcdf\" }", "$.loader.source.format", "expected one of \"auto\", \"npy\", \"raw\", \"hdf5\", \"zarr\"; found \"netcdf\".")]
    [InlineData("\"source\": [\"a.npy\"]", "$.loader.source", "expected an object; found an array of 1.")]
    public void LoadFile_WrongType_RefusedWithFileAndJsonPath(string member, string jsonPath, string problem) =>
        AssertRefused(
            member.StartsWith("\"source\"", StringComparison.Ordinal)
                ? $$"""{ "loader": { {{member}} } }"""
                : $$"""{ "loader": { "source": { "paths": ["a.npy"] }, {{member}} } }""",
            jsonPath,
            problem);

    [Theory]
    [InlineData("\"window\": 0", "$.loader.window", "expected >= 1; found 0")]
    [InlineData("\"batchSize\": -3", "$.loader.batchSize", "expected >= 1; found -3")]
    [InlineData("\"stride\": 0", "$.loader.stride", "expected >= 1")]
    [InlineData("\"windowsPerEpoch\": 0", "$.loader.windowsPerEpoch", "expected > 0")]
    [InlineData("\"starts\": []", "$.loader.starts", "at least one start")]
    [InlineData("\"workers\": 0", "$.loader.workers", "1..256")]
    [InlineData("\"workers\": 1000", "$.loader.workers", "1..256")]
    [InlineData("\"workers\": -1", "$.loader.workers", "workers: expected 1..256, \"auto\" or null; found -1.")]
    [InlineData("\"workers\": \"auto\", \"maxWorkers\": 0", "$.loader.maxWorkers", "maxWorkers: expected 1..256 or null; found 0.")]
    [InlineData("\"workers\": 2, \"maxWorkers\": 4", "$.loader.maxWorkers", "maxWorkers: expected workers \"auto\" (a fixed count starts exactly that many threads); found workers 2.")]
    [InlineData("\"prefetch\": 0", "$.loader.prefetch", "1..4096")]
    [InlineData("\"memoryBudget\": 0", "$.loader.memoryBudget", "positive number of bytes")]
    [InlineData("\"memoryBudget\": -5", "$.loader.memoryBudget", "positive number of bytes")]
    [InlineData("\"memoryBudget\": \"0GiB\"", "$.loader.memoryBudget", "positive number of bytes")]
    [InlineData("\"readAhead\": 65", "$.loader.readAhead", "0..64")]
    [InlineData("\"rank\": -1", "$.loader.rank", "expected >= 0")]
    [InlineData("\"worldSize\": 0", "$.loader.worldSize", "expected >= 1")]
    [InlineData("\"rank\": 2, \"worldSize\": 2", "$.loader.rank", "0..worldSize-1")]
    [InlineData("\"target\": { \"kind\": \"next\", \"horizon\": 0 }", "$.loader.target.horizon", "expected >= 1")]
    [InlineData("\"target\": { \"kind\": \"file\" }", "$.loader.target.source", "labels array")]
    public void LoadFile_OutOfRange_RefusedWithFileAndJsonPath(string member, string jsonPath, string problem) =>
        AssertRefused($$"""{ "loader": { "source": { "paths": ["a.npy"] }, {{member}} } }""", jsonPath, problem);

    [Theory]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"], "headerOffset": -1 } } }""", "$.loader.source.headerOffset", "expected >= 0")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"], "rows": 0 } } }""", "$.loader.source.rows", "expected > 0")]
    [InlineData("""{ "loader": { "source": { "paths": [] } } }""", "$.loader.source.paths", "at least one path or a glob")]
    [InlineData("""{ "loader": { "source": { "paths": null } } }""", "$.loader.source.paths", "at least one path or a glob")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy", null] } } }""", "$.loader.source.paths[1]", "expected a file path")]
    [InlineData("""{ "loader": { "source": { "paths": ["  "] } } }""", "$.loader.source.paths[0]", "expected a file path")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"], "rowShape": [0] } } }""", "$.loader.source.rowShape[0]", "expected dimensions > 0; found 0.")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"], "dtype": "complex64" } } }""", "$.loader.source.dtype", "'complex64'")]
    [InlineData("""{ "loader": { "source": null } }""", "$.loader.source", "found null")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"] }, "target": null } }""", "$.loader.target", "found null")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"] }, "target": { "kind": "file", "source": null } } }""", "$.loader.target.source", "labels array")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"] }, "target": { "kind": "file", "source": { "paths": [] } } } }""", "$.loader.target.source.paths", "at least one path or a glob")]
    [InlineData("""{ "loader": null }""", "$.loader", "expected an object")]
    [InlineData("""{ "loader": [] }""", "$.loader", "expected an object")]
    [InlineData("""[1, 2]""", "$", "expected an object")]
    [InlineData("""17""", "$", "expected an object")]
    public void LoadFile_InvalidSourceValues_RefusedWithFileAndJsonPath(string json, string jsonPath, string problem) =>
        AssertRefused(json, jsonPath, problem);

    [Theory]
    [InlineData("""{ "loader": { "source": { "paths": ["a\ud800.npy"] } } }""", "$.loader.source.paths[0]")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"] }, "io": "\udfff" } }""", "$.loader.io")]
    [InlineData("""{ "loader": { "source": { "paths": ["a.npy"], "\ud83d": 1 } } }""", "$.loader.source")]
    public void LoadFile_UnpairedSurrogateEscape_RefusedWithFileAndJsonPath(string json, string jsonPath) =>
        AssertRefused(json, jsonPath, "an unpaired surrogate escape.");

    [Fact]
    public void LoadFile_NullPathsWithGlob_BindsTheGlob()
    {
        string config = Write("g.json", """{ "source": { "paths": null, "glob": "a*.npy" } }""");
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(config);
        Assert.Empty(o.Source.Paths);
        Assert.Equal(Path.Combine(_dir.Path, "a*.npy"), o.Source.Glob);
        Assert.Equal(40, ArrayInfo.Read(o.Source).Rows);
    }

    [Theory]
    [InlineData("missing.npy", "$.loader.source.paths[0]", "does not exist")]
    [InlineData("folder", "$.loader.source.paths[0]", "is a directory")]
    public void LoadFile_PathThatIsNotAFile_RefusedWithFileAndJsonPath(string relative, string jsonPath, string problem)
    {
        Directory.CreateDirectory(_dir.File("folder"));
        AssertRefused($$"""{ "loader": { "source": { "paths": ["{{relative}}"] } } }""", jsonPath, problem);
    }

    [Fact]
    public void LoadFile_MissingLabelsFile_RefusedWithTargetJsonPath() =>
        AssertRefused("""{ "loader": { "source": { "paths": ["a.npy"] }, "target": { "kind": "file", "source": { "paths": ["a.npy", "nolabels.npy"] } } } }""", "$.loader.target.source.paths[1]", "does not exist");

    [Theory]
    [InlineData("{\n  \"loader\": {\n    \"window\": 16,,\n  }\n}", "line 3")]
    [InlineData("{\n  \"loader\": {\n    \"window\": 16\n", "line 4")]
    [InlineData("{ \"loader\": { \"window\": 1e } }", "line 1")]
    [InlineData("{ 'loader': {} }", "line 1")]
    [InlineData("", "line 1")]
    [InlineData("\n\n   ", "line 3")]
    public void LoadFile_InvalidJson_RefusedWithFileAndLine(string json, string line)
    {
        string config = Write("bad.json", json);
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.StartsWith(config + ": invalid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Contains(line, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal); // no second, 0-based position
    }

    [Fact]
    public void LoadFile_DeeplyNestedJson_RefusedWithoutStackOverflow()
    {
        string config = Write("deep.json", new string('[', 100_000) + new string(']', 100_000));
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.StartsWith(config + ": invalid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_MissingConfig_FileNotFoundExceptionNamingIt()
    {
        string config = _dir.File("nope.json");
        var ex = Assert.Throws<FileNotFoundException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.Contains(config, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_DirectoryAsConfig_InvalidDataExceptionNamingIt()
    {
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(_dir.Path));
        Assert.Contains(_dir.Path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("directory", ex.Message, StringComparison.Ordinal);
    }

    [UnreadableFilesFact]
    public void LoadFile_ConfigWithoutReadPermission_UnauthorizedAccessExceptionNamingIt()
    {
        string config = Write("secret.json", """{ "source": { "paths": ["a.npy"] } }""");
        if (OperatingSystem.IsWindows())
        {
            return; // skipped by the attribute
        }

        File.SetUnixFileMode(config, UnixFileMode.None);
        var ex = Assert.Throws<UnauthorizedAccessException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.Contains(config, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_SectionOfAnAppConfig_ErrorsNameTheSectionPath()
    {
        using JsonDocument doc = JsonDocument.Parse("""{ "model": { "layers": 3 }, "data": { "train": { "source": { "paths": ["a.npy"] }, "window": 8, "shuffle": true } } }""");
        JsonElement section = doc.RootElement.GetProperty("data").GetProperty("train");
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.FromJson(section, "app.json", "$.data.train", _dir.Path));
        Assert.StartsWith("app.json: $.data.train.shuffle: unknown key 'shuffle' (known keys: source, window,", ex.Message, StringComparison.Ordinal);

        using JsonDocument good = JsonDocument.Parse("""{ "source": { "paths": ["a.npy"] }, "window": 8 }""");
        WindowLoaderOptions o = WindowLoaderOptions.FromJson(good.RootElement, "app.json", "$.data.train", _dir.Path);
        Assert.Equal(8, o.Window);
        Assert.Equal([_dir.File("a.npy")], o.Source.Paths);
    }

    [Fact]
    public void FromJson_NoBaseDirectory_PathsKeptAsGiven()
    {
        string absolute = _dir.File("a.npy");
        using JsonDocument doc = JsonDocument.Parse($$"""{ "source": { "paths": [{{JsonSerializer.Serialize(absolute)}}], "glob": "x/*.npy" } }""");
        WindowLoaderOptions o = WindowLoaderOptions.FromJson(doc.RootElement, "inline");
        Assert.Equal([absolute], o.Source.Paths);
        Assert.Equal("x/*.npy", o.Source.Glob);
    }

    private void AssertRefused(string json, string jsonPath, string problem)
    {
        string config = Write("config.json", json);
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.True(ex.Message.StartsWith($"{config}: {jsonPath}: ", StringComparison.Ordinal), ex.Message);
        Assert.True(ex.Message.Contains(problem, StringComparison.Ordinal), ex.Message);
    }

    private string Write(string name, string json)
    {
        string path = _dir.File(name);
        File.WriteAllText(path, json);
        return path;
    }
}
