using System.Runtime.InteropServices;
using WindowDataset.Conversion;

namespace WindowDataset.Tests.Statistics;

/// <summary><see cref="RowTransform"/> against the scalar formula, for rows shorter and longer than its piece, from any element of the row.</summary>
public sealed class RowTransformTests
{
    [Theory]
    [InlineData(1, 0, 2000)]
    [InlineData(3, 2, 1001)]
    [InlineData(700, 0, 2100)]
    [InlineData(700, 650, 1999)]
    [InlineData(1300, 17, 3000)]
    public void Apply_AnyRowLengthAndStart_EqualsScalarFormula(int rowElements, int firstElement, int count)
    {
        var rng = new Random(rowElements + firstElement);
        double[] center = new double[rowElements], scale = new double[rowElements], fill = new double[rowElements];
        for (int j = 0; j < rowElements; j++)
        {
            (center[j], scale[j], fill[j]) = (rng.NextDouble() * 10, 0.5 + rng.NextDouble(), -j);
        }

        double[] x = new double[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = i % 37 == 0 ? double.NaN : i % 41 == 0 ? double.NegativeInfinity : rng.NextDouble() * 100;
        }

        var transform = new RowTransform(rowElements, center, scale, fill);
        float[] actual = new float[count];

        transform.Apply(MemoryMarshal.AsBytes(x.AsSpan()), ElementType.Float64, MemoryMarshal.AsBytes(actual.AsSpan()), ElementType.Float32, firstElement);

        for (int i = 0; i < count; i++)
        {
            int j = (firstElement + i) % rowElements;
            double v = double.IsFinite(x[i]) ? x[i] : fill[j];
            Assert.Equal((float)((v - center[j]) * scale[j]), actual[i]);
        }
    }

    [Fact]
    public void Apply_FillOnly_KeepsFiniteValuesExactly()
    {
        double[] x = [1.5, double.NaN, double.PositiveInfinity, -2];
        var transform = new RowTransform(2, [], [], [10, 20]);
        double[] actual = new double[4];

        transform.Apply(MemoryMarshal.AsBytes(x.AsSpan()), ElementType.Float64, MemoryMarshal.AsBytes(actual.AsSpan()), ElementType.Float64, 0);

        Assert.Equal([1.5, 20, 10, -2], actual);
    }
}
