using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Ranges;

/// <summary>Each bad rows / split / use / dilation / leadTime value: one line naming the file, the JSON path, expected and found.</summary>
public sealed class RangeOptionRulesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public RangeOptionRulesTests() => TestArrays.WriteNpy(_dir.File("a.npy"), 100, 2);

    public void Dispose() => _dir.Dispose();

    /// <summary>Loader-section members, and the error after "file: ".</summary>
    public static TheoryData<string, string> Rules() => new()
    {
        { "\"rows\": { \"start\": -1 }", "$.loader.rows.start: rows.start: expected >= 0; found -1." },
        { "\"rows\": { \"start\": 10, \"end\": 10 }", "$.loader.rows.end: rows.end: expected > rows.start (10) or null; found 10." },
        { "\"dilation\": 0", "$.loader.dilation: dilation: expected 1..1048576; found 0." },
        { "\"target\": { \"kind\": \"next\", \"leadTime\": -2 }", "$.loader.target.leadTime: target.leadTime: expected 0..1073741823; found -2." },
        { "\"use\": \"train\"", "$.loader.use: use: expected no key without a split (it names one of the split's ranges); found 'train'." },
        { "\"split\": { \"train\": [0, 0.8] }", "$.loader.use: use: expected the name of one of the split's ranges (train); found none." },
        { "\"split\": { \"train\": [0, 0.8] }, \"use\": \"val\"", "$.loader.use: use: expected one of train; found 'val'." },
        { "\"split\": { \"gap\": 3 }, \"use\": \"a\"", "$.loader.split: split: expected at least one named range such as \"train\": [0.0, 0.8]; found none." },
        { "\"split\": { \"a\": [0, 0.5], \"gap\": -1 }, \"use\": \"a\"", "$.loader.split.gap: split.gap: expected rows >= 0; found -1." },
        { "\"split\": { \"a\": [0.5, 0.2] }, \"use\": \"a\"", "$.loader.split.a: split.a: expected from < to; found [0.5, 0.2]." },
        { "\"split\": { \"a\": [0, 0.6], \"b\": [0.5, 1] }, \"use\": \"a\"", "$.loader.split.b: split.b: expected a range that does not overlap split.a [0, 0.6); found [0.5, 1)." },
        { "\"split\": { \"a\": [0, 40.5], \"b\": [50, 100] }, \"use\": \"a\"", "$.loader.split.a: split.a: expected fractions in [0, 1] (every bound <= 1) or whole row numbers; found [0, 40.5] among bounds above 1." },
        { "\"split\": { \"a\": [-0.1, 0.5] }, \"use\": \"a\"", "$.loader.split.a: split.a: expected bounds >= 0; found [-0.1, 0.5]." },
        { "\"split\": { \"a\": [0, 0.5, 1] }, \"use\": \"a\"", "$.loader.split: a: expected [from, to] (two numbers: fractions, or rows); found an array of 3." },
        { "\"split\": { \"a\": [0, 0.5], \"gap\": 1.5 }, \"use\": \"a\"", "$.loader.split: gap: expected a whole number of rows; found 1.5." },
        { "\"split\": [0, 0.8]", "$.loader.split: expected an object of named [from, to] ranges and an optional gap, such as {\"train\": [0.0, 0.8], \"val\": [0.8, 1.0], \"gap\": 64}; found an array of 2." },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void LoadFile_BadRangeOption_OneLineNamingFilePathExpectedAndFound(string members, string error)
    {
        string config = _dir.File("bad.json");
        File.WriteAllText(config, $$"""{ "loader": { "source": { "paths": ["a.npy"] }, {{members}} } }""");
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        Assert.Equal($"{config}: {error}", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("\"rows\": { \"end\": 101 }", "rows.end: expected at most the array's 100 rows; found 101.")]
    [InlineData("\"rows\": { \"start\": 100 }", "rows.start: expected less than the array's 100 rows; found 100.")]
    [InlineData("\"split\": { \"a\": [0, 50], \"b\": [50, 101] }, \"use\": \"a\"", "split.b: expected rows inside [0, 100) (the array's rows); found [50, 101).")]
    [InlineData("\"split\": { \"a\": [0, 0.9], \"b\": [0.9, 1.0], \"gap\": 10 }, \"use\": \"a\"", "split.b: expected more rows than split.gap (10) after it follows split.a; found 10 rows [90, 100).")]
    [InlineData("\"split\": { \"a\": [0, 0.5], \"b\": [0.5, 0.53] }, \"use\": \"b\"", "split.b: expected room for one window of 4 rows (window 4, dilation 1) inside one shard; found rows [50, 53).")]
    [InlineData("\"rows\": { \"start\": 10, \"end\": 20 }, \"window\": 4, \"dilation\": 4", "rows: expected room for one window of 13 rows (window 4, dilation 4) inside one shard; found rows [10, 20).")]
    public void WindowLoader_RangePastTheArrayOrTooSmall_ArgumentOutOfRangeSayingWhy(string members, string message)
    {
        string config = _dir.File("late.json");
        File.WriteAllText(config, $$"""{ "loader": { "source": { "paths": ["a.npy"] }, "workers": 2, "memoryBudget": "64MiB", {{(members.Contains("window", StringComparison.Ordinal) ? members : "\"window\": 4, " + members)}} } }""");
        WindowLoaderOptions options = WindowLoaderOptions.LoadFile(config);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_SplitConfig_BindsRangesGapAndUse()
    {
        string config = _dir.File("ok.json");
        File.WriteAllText(config, """
            { "loader": { "source": { "paths": ["a.npy"] }, "window": 4, "dilation": 2,
              "split": { "train": [0.0, 0.8], "val": [0.8, 0.9], "test": [0.9, 1.0], "gap": 5 }, "use": "val",
              "rows": { "start": 0, "end": 100 }, "target": { "kind": "next", "leadTime": 3 } } }
            """);
        WindowLoaderOptions o = WindowLoaderOptions.LoadFile(config);
        Assert.Equal(5, o.Split!.Gap);
        Assert.Equal([0.8, 0.9], o.Split.Ranges["val"]);
        Assert.Equal("val", o.Use);
        Assert.Equal(2, o.Dilation);
        Assert.Equal(3, o.Target.LeadTime);
        Assert.Equal(100, o.Rows!.End);
        WindowLoaderOptions copy = o.Clone();
        copy.Split!.Ranges["val"][0] = 0.7;
        copy.Rows!.End = 50;
        Assert.Equal(0.8, o.Split.Ranges["val"][0]);
        Assert.Equal(100, o.Rows.End);
        o.Workers = 2;
        o.MemoryBudget = 64L << 20;
        o.Use = "train"; // rows [0, 80); span (4 - 1) * 2 + 1 + 3 + 1 = 11
        using var loader = new WindowLoader(o);
        Assert.Equal(80 - 11 + 1, loader.ValidStarts);
    }

    [Theory]
    [InlineData("use", false)]
    [InlineData("split.a", true)]
    [InlineData("rows.end", true)]
    [InlineData("dilation", true)]
    [InlineData("target.leadTime", true)]
    public void Validate_BadRangeOptionInCode_ThrowsTheDocumentedTypeNamingTheKey(string key, bool outOfRange)
    {
        WindowLoaderOptions o = TestArrays.Options(_dir.File("a.npy"));
        switch (key)
        {
            case "use": o.Split = new SplitOptions { Ranges = { ["a"] = [0, 1] } }; break;
            case "split.a": o.Split = new SplitOptions { Ranges = { ["a"] = [0.9, 0.1] } }; o.Use = "a"; break;
            case "rows.end": o.Rows = new RowRange { Start = 5, End = 2 }; break;
            case "dilation": o.Dilation = RowRestrictionMax + 1; break;
            default: o.Target.LeadTime = -1; break;
        }

        var ex = Assert.ThrowsAny<ArgumentException>(o.Validate);
        Assert.Equal(outOfRange ? typeof(ArgumentOutOfRangeException) : typeof(ArgumentException), ex.GetType());
        Assert.Equal(key, ex.ParamName);
        Assert.StartsWith($"{key}: expected ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowLoader_DilatedSpanLongerThanEveryShard_ThrowsNamingDilation()
    {
        WindowLoaderOptions o = TestArrays.Options(_dir.File("a.npy"), window: 10);
        o.Dilation = 12; // span 109 > 100 rows
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(o));
        Assert.StartsWith("dilation: expected a window span that fits one shard (the longest has 100 rows); found 109 rows (window 10, dilation 12): no window fits.", ex.Message, StringComparison.Ordinal);
    }

    private const int RowRestrictionMax = WindowDataset.Sampling.RowRestriction.MaxDilation;
}
