using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using WindowDataset.Tests.Inputs.Infrastructure;

namespace WindowDataset.ML.Tests;

/// <summary>Aligned inputs as ML.NET columns: one vector column per input, named by its name key, equal to numpy's windows.</summary>
public sealed class AlignedInputColumnTests
{
    [Fact]
    public void Schema_ThreeInputs_OneVectorColumnPerInputNamedByItsKey()
    {
        var view = new WindowDataView(new WindowDataViewOptions { Loader = InputFixtures.Options(), OutputType = null });
        Assert.Equal(["Features", "Start", "x", "cov", "y"], view.Schema.Select(c => c.Name));
        var cov = (VectorDataViewType)view.Schema["cov"].Type;
        Assert.Equal(NumberDataViewType.Int16, cov.ItemType);
        Assert.Equal([5, 2, 3], cov.Dimensions.ToArray());
        Assert.Equal(NumberDataViewType.Double, ((VectorDataViewType)view.Schema["x"].Type).ItemType);
        Assert.Equal([5, 1], ((VectorDataViewType)view.Schema["y"].Type).Dimensions.ToArray());
    }

    [Fact]
    public void Cursor_ThreeInputsAsFloat32_EveryColumnEqualsNumpysSliceAsFloat32()
    {
        var view = new WindowDataView(new WindowDataViewOptions { Loader = InputFixtures.Options() });
        (long _, byte[] x) = InputFixtures.Npy("x.npy");
        (long _, byte[] cov) = InputFixtures.Npy("cov.npy");
        (long _, byte[] y) = InputFixtures.Npy("y.npy");
        double[] xs = MemoryMarshal.Cast<byte, double>(x).ToArray();
        short[] covs = MemoryMarshal.Cast<byte, short>(cov).ToArray();
        float[] ys = MemoryMarshal.Cast<byte, float>(y).ToArray();
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        ValueGetter<long> start = cursor.GetGetter<long>(view.Schema["Start"]);
        ValueGetter<VBuffer<float>> features = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
        ValueGetter<VBuffer<float>> xg = cursor.GetGetter<VBuffer<float>>(view.Schema["x"]);
        ValueGetter<VBuffer<float>> covg = cursor.GetGetter<VBuffer<float>>(view.Schema["cov"]);
        ValueGetter<VBuffer<float>> yg = cursor.GetGetter<VBuffer<float>>(view.Schema["y"]);
        long s = 0;
        VBuffer<float> f = default, a = default, b = default, c = default;
        int rows = 0;
        while (cursor.MoveNext())
        {
            start(ref s);
            features(ref f);
            xg(ref a);
            covg(ref b);
            yg(ref c);
            Assert.Equal(Bits(f.DenseValues()), Bits(a.DenseValues()));
            Assert.Equal(Bits(xs.Skip((int)s * 4).Take(20).Select(v => (float)v)), Bits(a.DenseValues()));
            Assert.Equal(covs.Skip((int)s * 6).Take(30).Select(v => (float)v), b.DenseValues());
            Assert.Equal(Bits(ys.Skip((int)s).Take(5)), Bits(c.DenseValues()));
            rows++;
        }

        Assert.Equal(InputFixtures.Starts("starts_w5.npy").Length, rows);
    }

    [Fact]
    public void Constructor_InputNamedLikeAViewColumn_Refused()
    {
        WindowLoaderOptions loader = InputFixtures.Options();
        loader.Inputs![1].Name = "Label";
        var ex = Assert.Throws<ArgumentException>(() => new WindowDataView(new WindowDataViewOptions { Loader = loader }));
        Assert.StartsWith("inputs[1].name: expected a name other than the view's own columns (Features, Start, Label); found 'Label'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_Concat_FeaturesIsTheConcatenationAndNoInputColumns()
    {
        WindowLoaderOptions loader = InputFixtures.Options();
        loader.Concat = true;
        var view = new WindowDataView(new WindowDataViewOptions { Loader = loader });
        Assert.Equal(["Features", "Start"], view.Schema.Select(col => col.Name));
        Assert.Equal([5, 11], ((VectorDataViewType)view.Schema["Features"].Type).Dimensions.ToArray());
        (long rows, byte[] expected) = InputFixtures.Npy("concat_f4_w5.npy");
        var ml = new MLContext(seed: 1);
        float[][] got = [.. ml.Data.CreateEnumerable<ConcatRow>(view, reuseRowObject: false).Select(r => r.Features)];
        Assert.Equal((int)rows, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            Assert.True(MemoryMarshal.AsBytes(got[i].AsSpan()).SequenceEqual(InputFixtures.Item(expected, rows, i)));
        }
    }

    private static int[] Bits(IEnumerable<float> values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private sealed class ConcatRow
    {
        [VectorType(55)]
        public float[] Features { get; set; } = [];

        public long Start { get; set; }
    }
}
