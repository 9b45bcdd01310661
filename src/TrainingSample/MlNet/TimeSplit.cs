using WindowDataset;

namespace TrainingSample.MlNet;

/// <summary>
/// Train and test windows disjoint in time: with <c>split = floor(rows * trainFraction)</c>, training windows use
/// only rows before <c>split</c> (the window and its next-row target), test windows start at or after it. Both are
/// every <c>stride</c>-th valid start (windows never cross a shard boundary), in time order.
/// </summary>
internal sealed record TimeSplit(long SplitRow, long[] Train, long[] Test)
{
    public static TimeSplit Build(WindowLoaderOptions options, double trainFraction, long stride)
    {
        var all = new WindowLoaderOptions
        {
            Source = options.Source,
            Window = options.Window,
            BatchSize = 4096,
            Sampler = SamplerKind.Sequential,
            Stride = stride,
            Rank = 0,
            WorldSize = 1,
            Workers = 1,
            Target = options.Target,
        };
        using var loader = new WindowLoader(all);
        long split = (long)Math.Floor(loader.Info.Rows * trainFraction);
        long used = loader.Window + (options.Target.Kind == TargetKind.Next ? options.Target.Horizon : 0);
        var train = new List<long>();
        var test = new List<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            foreach (long start in loader.GetStarts(0, b))
            {
                if (start + used <= split)
                {
                    train.Add(start);
                }
                else if (start >= split)
                {
                    test.Add(start);
                }
            }
        }

        return new TimeSplit(split, [.. train], [.. test]);
    }
}
