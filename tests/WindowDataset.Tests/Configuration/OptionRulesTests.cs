using System.Globalization;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Configuration;

/// <summary>
/// One rule set: each rule broken in code (<see cref="WindowLoaderOptions.Validate"/>) and in a config file gives the
/// same message, and Validate throws the exception type its documentation promises for it.
/// </summary>
public sealed class OptionRulesTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public OptionRulesTests() => _path = TestArrays.WriteNpy(_dir.File("a.npy"), 40, 3);

    public void Dispose() => _dir.Dispose();

    /// <summary>The rule, how a config breaks it (a member of the loader section), and whether it is a range rule.</summary>
    public static TheoryData<string, string, bool> Rules() => new()
    {
        { "window=0", "\"window\": 0", true },
        { "batchSize=-3", "\"batchSize\": -3", true },
        { "stride=0", "\"stride\": 0", true },
        { "windowsPerEpoch=0", "\"windowsPerEpoch\": 0", true },
        { "starts=empty", "\"starts\": []", false },
        { "workers=257", "\"workers\": 257", true },
        { "prefetch=5000", "\"prefetch\": 5000", true },
        { "memoryBudget=0", "\"memoryBudget\": \"0GiB\"", true },
        { "readAhead=65", "\"readAhead\": 65", true },
        { "rank=-1", "\"rank\": -1", true },
        { "worldSize=0", "\"worldSize\": 0", true },
        { "rank=2,worldSize=2", "\"rank\": 2, \"worldSize\": 2", true },
        { "horizon=0", "\"target\": { \"kind\": \"next\", \"horizon\": 0 }", true },
        { "fileTarget=none", "\"target\": { \"kind\": \"file\" }", false },
        { "paths=none", "\"source\": { \"paths\": [] }", false },
        { "paths=blank", "\"source\": { \"paths\": [\" \"] }", false },
        { "dtype=complex64", "\"source\": { \"paths\": [\"a.npy\"], \"dtype\": \"complex64\" }", false },
        { "rowShape=2x0", "\"source\": { \"paths\": [\"a.npy\"], \"rowShape\": [2, 0] }", true },
        { "rowShape=-1", "\"source\": { \"paths\": [\"a.npy\"], \"rowShape\": [-1] }", true },
        { "headerOffset=-1", "\"source\": { \"paths\": [\"a.npy\"], \"headerOffset\": -1 }", true },
        { "rows=0", "\"source\": { \"paths\": [\"a.npy\"], \"rows\": 0 }", true },
        { "labelsDType=x", "\"target\": { \"kind\": \"file\", \"source\": { \"paths\": [\"a.npy\"], \"dtype\": \"x\" } }", false },
        { "labelsRowShape=0", "\"target\": { \"kind\": \"file\", \"source\": { \"paths\": [\"a.npy\"], \"rowShape\": [0] } }", true },
        { "labelsPaths=none", "\"target\": { \"kind\": \"file\", \"source\": { \"paths\": [] } }", false },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void ValidateAndLoadFile_RuleBroken_SameMessageAtTheOptionsJsonPath(string change, string json, bool outOfRange)
    {
        _ = outOfRange;
        WindowLoaderOptions options = Break(change);
        var validation = Assert.ThrowsAny<ArgumentException>(options.Validate);
        string message = WithoutParameter(validation);

        string config = _dir.File("rule.json");
        string section = json.StartsWith("\"source\"", StringComparison.Ordinal) ? json : $"\"source\": {{ \"paths\": [\"a.npy\"] }}, {json}";
        File.WriteAllText(config, $$"""{ "loader": { {{section}} } }""");
        var binding = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));

        Assert.Equal($"{config}: $.loader.{validation.ParamName}: {message}", binding.Message);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Validate_RuleBroken_ThrowsTheDocumentedTypeNamingTheOption(string change, string json, bool outOfRange)
    {
        _ = json;
        var ex = Assert.ThrowsAny<ArgumentException>(Break(change).Validate);

        Assert.Equal(outOfRange ? typeof(ArgumentOutOfRangeException) : typeof(ArgumentException), ex.GetType());
        Assert.NotNull(ex.ParamName);
        Assert.StartsWith(ex.ParamName.Split('.')[0], ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sampler", 9)]
    [InlineData("io", 2)]
    [InlineData("pageCache", -1)]
    [InlineData("outputType", 99)]
    [InlineData("target.kind", 3)]
    [InlineData("source.format", 7)]
    public void Validate_UndefinedEnumValue_ArgumentOutOfRangeNamingTheOption(string key, int value)
    {
        WindowLoaderOptions o = TestArrays.Options(_path);
        switch (key)
        {
            case "sampler": o.Sampler = (SamplerKind)value; break;
            case "io": o.Io = (IoMode)value; break;
            case "pageCache": o.PageCache = (PageCachePolicy)value; break;
            case "outputType": o.OutputType = (ElementType)value; break;
            case "target.kind": o.Target.Kind = (TargetKind)value; break;
            default: o.Source.Format = (SourceFormat)value; break;
        }

        var ex = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        Assert.Equal(key, ex.ParamName);
        Assert.Contains($"{key}: expected ", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"found {value.ToString(CultureInfo.InvariantCulture)}.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BoundConfig_Passes()
    {
        string config = _dir.File("ok.json");
        File.WriteAllText(config, """{ "source": { "paths": ["a.npy"], "rowShape": [3] }, "window": 4, "starts": [0, 5], "rank": 0, "worldSize": 1 }""");
        WindowLoaderOptions options = WindowLoaderOptions.LoadFile(config);

        options.Validate();
        Assert.Equal([0L, 5L], options.Starts);
    }

    private static string WithoutParameter(ArgumentException ex)
    {
        string suffix = $" (Parameter '{ex.ParamName}')";
        Assert.EndsWith(suffix, ex.Message, StringComparison.Ordinal);
        return ex.Message[..^suffix.Length];
    }

    private WindowLoaderOptions Break(string change)
    {
        WindowLoaderOptions o = TestArrays.Options(_path);
        foreach (string part in change.Split(','))
        {
            string[] kv = part.Split('=');
            string value = kv[1];
            switch (kv[0])
            {
                case "window": o.Window = Int(value); break;
                case "batchSize": o.BatchSize = Int(value); break;
                case "stride": o.Stride = Int(value); break;
                case "windowsPerEpoch": o.WindowsPerEpoch = Int(value); break;
                case "starts": o.Starts = []; break;
                case "workers": o.Workers = Int(value); break;
                case "prefetch": o.Prefetch = Int(value); break;
                case "memoryBudget": o.MemoryBudget = Int(value); break;
                case "readAhead": o.ReadAhead = Int(value); break;
                case "rank": o.Rank = Int(value); break;
                case "worldSize": o.WorldSize = Int(value); break;
                case "horizon": o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = Int(value) }; break;
                case "fileTarget": o.Target = new TargetOptions { Kind = TargetKind.File }; break;
                case "paths": o.Source = value == "none" ? new SourceOptions() : SourceOptions.FromPaths(" "); break;
                case "dtype": o.Source.DType = value; break;
                case "rowShape": o.Source.RowShape = [.. value.Split('x').Select(Int)]; break;
                case "headerOffset": o.Source.HeaderOffset = Int(value); break;
                case "rows": o.Source.Rows = Int(value); break;
                case "labelsDType": o.Target = new TargetOptions { Kind = TargetKind.File, Source = new SourceOptions { Paths = [_path], DType = value } }; break;
                case "labelsRowShape": o.Target = new TargetOptions { Kind = TargetKind.File, Source = new SourceOptions { Paths = [_path], RowShape = [Int(value)] } }; break;
                case "labelsPaths": o.Target = new TargetOptions { Kind = TargetKind.File, Source = new SourceOptions() }; break;
                default: throw new ArgumentException(change, nameof(change));
            }
        }

        return o;
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
