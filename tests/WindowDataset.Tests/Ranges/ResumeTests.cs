using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Ranges.Infrastructure;
using static WindowDataset.Tests.Ranges.Infrastructure.RangeFixtures;

namespace WindowDataset.Tests.Ranges;

/// <summary>A read resumed with <see cref="ReadRange.From"/> equals the uninterrupted read, for each of rows, split, dilation and skipWindows.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("rows", SamplerKind.Permutation)]
    [InlineData("split", SamplerKind.Permutation)]
    [InlineData("dilation", SamplerKind.Uniform)]
    [InlineData("skipWindows", SamplerKind.Permutation)]
    [InlineData("skipWindows", SamplerKind.Uniform)]
    [InlineData("skipWindows", SamplerKind.Sequential)]
    [InlineData("all", SamplerKind.Permutation)]
    public void Read_ResumedFromASavedPosition_EqualsUninterrupted(string feature, SamplerKind sampler)
    {
        string data = _dir.File("data.npy");
        File.Copy(RangeFixtures.Data, data);
        WindowLoaderOptions o = Options("d2", data, batch: 4);
        o.Sampler = sampler;
        o.WindowsPerEpoch = sampler == SamplerKind.Uniform ? 60 : null;
        if (feature is "rows" or "all")
        {
            o.Rows = new RowRange { Start = 30, End = 190 };
        }

        if (feature is "split" or "all")
        {
            o.Split = Split();
            o.Use = "train";
        }

        if (feature is "dilation" or "all")
        {
            o.Dilation = 3;
        }

        if (feature is "skipWindows" or "all")
        {
            o.Missing = MissingValues.SkipWindows;
        }

        using var loader = new WindowLoader(o);
        var uninterrupted = ReadAll(loader, ReadRange.ForEpochs(2, 2));
        var resumed = new List<(long Start, double[] Window, double[] Target)>();
        LoaderState saved = default;
        using (var first = new WindowLoader(o))
        {
            foreach (WindowBatch batch in first.Read(ReadRange.ForEpochs(2, 2)))
            {
                using (batch)
                {
                    int w = (int)(batch.WindowBytes / 8);
                    double[] x = batch.GetData<double>().ToArray();
                    double[] t = batch.GetTargetData<double>().ToArray();
                    int tl = t.Length / batch.Count;
                    for (int i = 0; i < batch.Count; i++)
                    {
                        resumed.Add((batch.Starts[i], x[(i * w)..((i + 1) * w)], t[(i * tl)..((i + 1) * tl)]));
                    }

                    if (batch.Epoch == 2 && batch.Index == 3)
                    {
                        break;
                    }
                }
            }

            saved = first.Position;
        }

        Assert.Equal(new LoaderState(2, 4), saved);
        using (var second = new WindowLoader(o))
        {
            resumed.AddRange(ReadAll(second, ReadRange.From(saved, moreEpochs: 1)));
        }

        Assert.Equal(uninterrupted.Select(u => u.Start), resumed.Select(r => r.Start));
        Assert.Equal(uninterrupted.SelectMany(u => Bits(u.Window)), resumed.SelectMany(r => Bits(r.Window)));
        Assert.Equal(uninterrupted.SelectMany(u => Bits(u.Target)), resumed.SelectMany(r => Bits(r.Target)));
    }
}
