using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Configuration;

/// <summary>Options set in code that cannot work give an exception naming the option, the expected and the found value.</summary>
public sealed class OptionValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public OptionValidationTests() => _path = TestArrays.WriteNpy(_dir.File("a.npy"), 30, 4);

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> InvalidOptions() => new()
    {
        { "window=0", "window: expected >= 1; found 0" },
        { "window=-5", "window: expected >= 1; found -5" },
        { "batchSize=0", "batchSize: expected >= 1; found 0" },
        { "batchSize=-1", "batchSize: expected >= 1; found -1" },
        { "stride=0", "stride: expected >= 1" },
        { "windowsPerEpoch=0", "windowsPerEpoch: expected > 0" },
        { "windowsPerEpoch=-1", "windowsPerEpoch: expected > 0" },
        { "workers=0", "workers: expected 1..256" },
        { "prefetch=-2", "prefetch: expected 1..4096" },
        { "memoryBudget=0", "memoryBudget: expected a positive number of bytes" },
        { "memoryBudget=-1", "memoryBudget: expected a positive number of bytes" },
        { "readAhead=-1", "readAhead: expected 0..64" },
        { "rank=-1", "rank: expected >= 0" },
        { "worldSize=0", "worldSize: expected >= 1" },
        { "rank=3,worldSize=2", "rank: expected 0..worldSize-1" },
        { "sampler=99", "sampler: expected uniform, permutation or sequential" },
        { "io=7", "io: expected pread or mmap" },
        { "horizon=0", "target.horizon: expected >= 1" },
        { "window=31", "window: expected at most 30 rows" },
        { "window=30,horizon=1", "the target needs 1 more" },
        { "memoryBudget=2000", "memoryBudget: expected at least" },
        { "outputType=int32", "outputType: expected the file's type (float64), float32 or float64; found int32" },
        { "starts=27", "starts[1]: expected a row where a whole window" },
        { "starts=-1", "starts[1]: expected a row where a whole window" },
    };

    public static TheoryData<string, string> MissingOrInvalidOptions() => new()
    {
        { "starts=empty", "starts: expected at least one start" },
        { "paths=none", "source: expected at least one path or a glob" },
        { "source=null", "source: expected an object with paths or a glob; found null." },
        { "paths=blank", "source.paths[0]: expected a file path; found '  '." },
        { "dtype=complex64", "source.dtype: expected one of float64" },
        { "target=file", "target.source: expected the labels array for kind 'file'" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_InvalidOption_ArgumentOutOfRangeNamingIt(string change, string message)
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 8);
        foreach (string part in change.Split(','))
        {
            string[] kv = part.Split('=');
            Apply(options, kv[0], kv[1]);
        }

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MissingOrInvalidOptions))]
    public void Constructor_MissingOrInvalidValue_ArgumentExceptionNamingIt(string change, string message)
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 8);
        string[] kv = change.Split('=');
        Apply(options, kv[0], kv[1]);

        var ex = Assert.Throws<ArgumentException>(() => new WindowLoader(options)); // exactly ArgumentException, as documented
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WindowEqualToRows_OneValidStart()
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 30, batch: 8);
        using var loader = new WindowLoader(options);
        Assert.Equal(1, loader.ValidStarts);
        Assert.Equal(1, loader.BatchesPerEpoch);
    }

    [Fact]
    public void Constructor_WindowLongerThanEveryShard_ArgumentOutOfRangeNamingTheLongestShard()
    {
        string a = TestArrays.WriteNpyShard(_dir.File("s0.npy"), 0, 10, 4);
        string b = TestArrays.WriteNpyShard(_dir.File("s1.npy"), 10, 12, 4);
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(a, b), Window = 13 };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains("the longest shard has 12 rows", ex.Message, StringComparison.Ordinal);

        options.Window = 12;
        using var loader = new WindowLoader(options);
        Assert.Equal(1, loader.ValidStarts);
    }

    [Fact]
    public void Constructor_StartThatCrossesAShardBoundary_Refused()
    {
        string a = TestArrays.WriteNpyShard(_dir.File("s0.npy"), 0, 10, 4);
        string b = TestArrays.WriteNpyShard(_dir.File("s1.npy"), 10, 12, 4);
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(a, b), Window = 4, Starts = [6, 7, 10] };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains("starts[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullOptions_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new WindowLoader(null!));

    private static void Apply(WindowLoaderOptions o, string key, string value)
    {
        switch (key)
        {
            case "window": o.Window = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "batchSize": o.BatchSize = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "stride": o.Stride = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "windowsPerEpoch": o.WindowsPerEpoch = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "workers": o.Workers = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "prefetch": o.Prefetch = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "memoryBudget": o.MemoryBudget = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "readAhead": o.ReadAhead = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "rank": o.Rank = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "worldSize": o.WorldSize = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "starts": o.Starts = value == "empty" ? [] : [0, long.Parse(value, System.Globalization.CultureInfo.InvariantCulture)]; break;
            case "sampler": o.Sampler = (SamplerKind)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "io": o.Io = (IoMode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "horizon": o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) }; break;
            case "outputType": o.OutputType = ElementTypeInfo.Parse(value, out _); break;
            case "paths": o.Source = value == "blank" ? SourceOptions.FromPaths("  ") : new SourceOptions(); break;
            case "source": o.Source = null!; break;
            case "dtype": o.Source.DType = value; break;
            case "target": o.Target = new TargetOptions { Kind = TargetKind.File }; break;
            default: throw new ArgumentException(key);
        }
    }
}
