using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Mixture;

namespace WindowDataset.Tests.Interactions;

/// <summary>A mixture whose components carry skipWindows, a split, dilation and next targets delivers exact windows inside each component's range.</summary>
public sealed class MixtureInteractionTests : IClassFixture<MixtureFixture>
{
    private readonly MixtureFixture _data;

    public MixtureInteractionTests(MixtureFixture data) => _data = data;

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(1, true)]
    public void Read_MixtureSkipSplitDilationNext_Exact(int dilation, bool coalesce)
    {
        using var dir = new TempDirectory();
        string b = TestArrays.WriteNpyShard(dir.File("b-nan.npy"), MixtureFixture.FirstRowB, MixtureFixture.RowsB, MixtureFixture.Cols);
        string a0 = TestArrays.WriteNpyShard(dir.File("a0-nan.npy"), 0, 150, MixtureFixture.Cols);
        void Nan(string path, long rows, long row)
        {
            long length = new FileInfo(path).Length;
            using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            f.Position = length - ((rows - row) * MixtureFixture.Cols * sizeof(double));
            f.Write(BitConverter.GetBytes(double.NaN));
        }

        Nan(b, MixtureFixture.RowsB, 20);
        Nan(b, MixtureFixture.RowsB, 121);
        Nan(a0, 150, 10);
        WindowLoaderOptions o = _data.Options(window: 4, batch: 16);
        o.Mixture![0].Source = SourceOptions.FromPaths(a0, _data.PathA1);
        o.Mixture![1].Source = SourceOptions.FromPaths(b);
        o.Missing = MissingValues.SkipWindows;
        o.Dilation = dilation;
        o.Coalesce = coalesce;
        o.Sampler = SamplerKind.Uniform;
        o.WindowsPerEpoch = 2000;
        o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        o.Split = new SplitOptions { Ranges = new Dictionary<string, double[]> { ["train"] = [0.0, 0.7], ["val"] = [0.7, 1.0] } };
        o.Use = "train";
        using var loader = new WindowLoader(o);
        int span = ((4 - 1) * dilation) + 1 + 2;
        int[] per = new int[2];
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<double> t = batch.GetTargetData<double>();
            for (int i = 0; i < batch.Count; i++)
            {
                long g = batch.Starts[i];
                int c = MixtureFixture.ComponentOf(g);
                per[c]++;
                long local = c == 0 ? g : g - MixtureFixture.RowsA;
                long compRows = c == 0 ? 300 : 200;
                Assert.True(local + span <= (long)(compRows * 0.7) + 0, $"start {g} local {local} beyond train");
                long src = MixtureFixture.SourceRow(g);
                double[] w = batch.GetWindowData<double>(i).ToArray();
                for (int r = 0; r < 4; r++)
                {
                    for (int col = 0; col < MixtureFixture.Cols; col++)
                    {
                        Assert.Equal(TestArrays.Value(src + (r * dilation), col), w[(r * MixtureFixture.Cols) + col]);
                    }
                }

                Assert.Equal(TestArrays.ExpectedWindow(src + ((4 - 1) * dilation) + 1, 2, MixtureFixture.Cols), t.Slice(i * 2 * MixtureFixture.Cols, 2 * MixtureFixture.Cols).ToArray());
            }
        }

        Assert.True(per[0] > 0 && per[1] > 0);
    }
}
