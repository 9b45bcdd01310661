using System.Runtime.InteropServices;
using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Statistics.Infrastructure;

namespace WindowDataset.Tests.Statistics;

/// <summary>
/// <c>normalize</c> and <c>missing: fill</c> against numpy (Fixtures/stats/make.py), bit for bit: the loader uses the
/// statistics file numpy wrote, and both compute <c>((double)x - center) * (1.0 / width)</c> in float64, rounded once.
/// </summary>
public sealed class NormalizeTests
{
    public static TheoryData<string> FloatFixtures => new() { "f8", "f4", "be", "multi", "h5", "zarr" };

    [Theory]
    [MemberData(nameof(FloatFixtures))]
    public void Read_StandardFloat32_EqualsNumpyBitForBit(string name) =>
        AssertWhole(name, NormalizeMethod.Standard, ElementType.Float32, $"{name}__standard_f4.npy");

    [Theory]
    [MemberData(nameof(FloatFixtures))]
    public void Read_StandardFloat64_EqualsNumpyBitForBit(string name) =>
        AssertWhole(name, NormalizeMethod.Standard, ElementType.Float64, $"{name}__standard_f8.npy");

    [Theory]
    [MemberData(nameof(FloatFixtures))]
    public void Read_MinMaxFloat32_EqualsNumpyBitForBit(string name) =>
        AssertWhole(name, NormalizeMethod.MinMax, ElementType.Float32, $"{name}__minmax_f4.npy");

    [Theory]
    [MemberData(nameof(FloatFixtures))]
    public void Read_FillConstantThenStandard_EqualsNumpyBitForBit(string name) =>
        AssertWhole(name, NormalizeMethod.Standard, ElementType.Float32, $"{name}__fill_const_f4.npy", o => (o.Missing, o.FillValue) = (MissingValues.Fill, 0.5));

    [Theory]
    [MemberData(nameof(FloatFixtures))]
    public void Read_FillMeanWithoutScaling_EqualsNumpyBitForBit(string name) =>
        AssertWhole(name, NormalizeMethod.None, ElementType.Float64, $"{name}__fill_mean_f8.npy", o => o.Missing = MissingValues.Fill);

    [Fact]
    public void Read_Int16SourceNormalized_DefaultsToFloat32AndEqualsNumpy()
    {
        var options = Options("i2", NormalizeMethod.Standard, outputType: null);

        byte[] actual = StatsFixtures.ReadAllBytes(options);

        using var reader = new WindowReader(Options("i2", NormalizeMethod.Standard, outputType: null));
        Assert.Equal(ElementType.Float32, reader.OutputType);
        Assert.Equal(Expected("i2__standard_f4.npy"), actual);
    }

    [Fact]
    public void Read_Float64SourceNormalizedWithoutOutputType_KeepsFloat64()
    {
        using var reader = new WindowReader(Options("f8", NormalizeMethod.Standard, outputType: null));

        Assert.Equal(ElementType.Float64, reader.OutputType);
    }

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void Loader_NextTargets_AreNormalizedLikeTheWindows(IoMode io)
    {
        float[] expected = MemoryMarshal.Cast<byte, float>(Expected("f4__standard_f4.npy")).ToArray();
        const int window = 7, horizon = 3, columns = 5;
        var options = Options("f4", NormalizeMethod.Standard, ElementType.Float32);
        options.Window = window;
        options.BatchSize = 4;
        options.Io = io;
        options.Sampler = SamplerKind.Sequential;
        options.Stride = 13;
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = horizon };
        options.Workers = 2;

        using var loader = new WindowLoader(options);
        int seen = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            float[] inputs = MemoryMarshal.Cast<byte, float>(batch.Data).ToArray();
            float[] targets = MemoryMarshal.Cast<byte, float>(batch.TargetData).ToArray();
            for (int i = 0; i < batch.Count; i++)
            {
                long start = batch.Starts[i];
                Assert.Equal(expected.AsSpan((int)start * columns, window * columns), inputs.AsSpan(i * window * columns, window * columns));
                Assert.Equal(expected.AsSpan((int)(start + window) * columns, horizon * columns), targets.AsSpan(i * horizon * columns, horizon * columns));
                seen++;
            }
        }

        Assert.True(seen > 10);
    }

    [Fact]
    public void Read_FileLabels_AreNotNormalized()
    {
        using var dir = new TempDirectory();
        string labels = dir.File("labels.npy");
        using (var writer = new NpyWriter(labels, ElementType.Float32, [777]))
        {
            float[] values = new float[777];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = i * 100;
            }

            writer.Write<float>(values);
            writer.Complete();
        }

        var options = Options("f4", NormalizeMethod.Standard, ElementType.Float32);
        options.Window = 4;
        options.Target = new TargetOptions { Kind = TargetKind.File, Source = SourceOptions.FromPaths(labels) };
        using var reader = new WindowReader(options);
        byte[] target = new byte[reader.TargetBytes];

        reader.ReadTarget(10, target);

        Assert.Equal(1300f, MemoryMarshal.Cast<byte, float>(target)[0]);
    }

    [Fact]
    public void Read_StatsOfAnotherRowShape_ThrowsNamingTheStatsFile()
    {
        var options = Options("f4", NormalizeMethod.Standard, ElementType.Float32);
        options.Normalize!.Stats = StatsFixtures.File("f8.stats.json");

        var ex = Assert.Throws<InvalidDataException>(() => new WindowReader(options));

        Assert.Equal($"{StatsFixtures.File("f8.stats.json")}: rowShape: expected [5] (the source's); found [4].", ex.Message);
    }

    [Fact]
    public void Read_FillOnIntegerSource_ChangesNothing()
    {
        var options = new WindowLoaderOptions { Source = StatsFixtures.Source("i2"), Missing = MissingValues.Fill, FillValue = 1 };

        byte[] actual = StatsFixtures.ReadAllBytes(options);

        Assert.Equal(File.ReadAllBytes(StatsFixtures.File("i2.npy"))[^actual.Length..], actual);
    }

    private static void AssertWhole(string name, NormalizeMethod method, ElementType output, string expectedFile, Action<WindowLoaderOptions>? configure = null)
    {
        WindowLoaderOptions options = Options(name, method, output);
        configure?.Invoke(options);

        byte[] actual = StatsFixtures.ReadAllBytes(options);

        byte[] expected = Expected(expectedFile);
        Assert.Equal(expected.Length, actual.Length);
        int size = ElementTypeInfo.SizeOf(output);
        for (int i = 0; i < expected.Length; i += size)
        {
            if (!expected.AsSpan(i, size).SequenceEqual(actual.AsSpan(i, size)))
            {
                Assert.Fail($"element {i / size}: expected {Render(expected, i, output)}; found {Render(actual, i, output)}.");
            }
        }
    }

    private static string Render(byte[] bytes, int at, ElementType type) =>
        type == ElementType.Float32 ? BitConverter.ToSingle(bytes, at).ToString("R", System.Globalization.CultureInfo.InvariantCulture) : BitConverter.ToDouble(bytes, at).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The data bytes of an expected .npy (little-endian f4/f8, read through the loader unconverted).</summary>
    private static byte[] Expected(string file) => StatsFixtures.ReadAllBytes(new WindowLoaderOptions { Source = SourceOptions.FromPaths(StatsFixtures.File(file)) });

    private static WindowLoaderOptions Options(string name, NormalizeMethod method, ElementType? outputType) => new()
    {
        Source = StatsFixtures.Source(name),
        OutputType = outputType,
        Normalize = new NormalizeOptions { Stats = StatsFixtures.File(name + ".stats.json"), Method = method },
    };
}
