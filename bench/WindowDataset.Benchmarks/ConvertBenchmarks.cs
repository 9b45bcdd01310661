using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using WindowDataset.Conversion;

namespace WindowDataset.Benchmarks;

/// <summary>Element conversion of one 16 x 2000 window (the loader's inner kernel), against a scalar loop and a plain copy.</summary>
[MemoryDiagnoser]
public class ConvertBenchmarks
{
    private const int Elements = 16 * 2000;
    private readonly double[] _doubles = new double[Elements];
    private readonly float[] _floats = new float[Elements];
    private readonly double[] _copy = new double[Elements];
    private readonly Half[] _halves = new Half[Elements];
    private readonly int[] _ints = new int[Elements];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int i = 0; i < Elements; i++)
        {
            _doubles[i] = random.NextDouble();
            _halves[i] = (Half)_doubles[i];
            _ints[i] = random.Next();
        }
    }

    [Benchmark(Baseline = true)]
    public void CopyFloat64() => _doubles.AsSpan().CopyTo(_copy);

    [Benchmark]
    public void Float64ToFloat32() =>
        ElementConverter.Convert(MemoryMarshal.AsBytes(_doubles.AsSpan()), ElementType.Float64, MemoryMarshal.AsBytes(_floats.AsSpan()), ElementType.Float32);

    [Benchmark]
    public void Float64ToFloat32Scalar()
    {
        for (int i = 0; i < Elements; i++)
        {
            _floats[i] = (float)_doubles[i];
        }
    }

    [Benchmark]
    public void Float16ToFloat32() =>
        ElementConverter.Convert(MemoryMarshal.AsBytes(_halves.AsSpan()), ElementType.Float16, MemoryMarshal.AsBytes(_floats.AsSpan()), ElementType.Float32);

    [Benchmark]
    public void Int32ToFloat32() =>
        ElementConverter.Convert(MemoryMarshal.AsBytes(_ints.AsSpan()), ElementType.Int32, MemoryMarshal.AsBytes(_floats.AsSpan()), ElementType.Float32);

    [Benchmark]
    public void SwapFloat64() => ElementConverter.SwapInPlace(MemoryMarshal.AsBytes(_copy.AsSpan()), 8);
}
