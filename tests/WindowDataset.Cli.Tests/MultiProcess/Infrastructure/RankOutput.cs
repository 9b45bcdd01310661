namespace WindowDataset.Cli.Tests.MultiProcess.Infrastructure;

/// <summary>What one rank's process wrote: the starts it took and the windows' bytes, in order.</summary>
public sealed record RankOutput(long[] Starts, byte[] Windows)
{
    public static RankOutput Read(string npy, string starts)
    {
        WindowDataset.Cli.Tests.Infrastructure.NpyData data = WindowDataset.Cli.Tests.Infrastructure.NpyData.Read(npy);
        return new RankOutput(EpochFixture.ReadStarts(starts), data.Data);
    }

    /// <summary>
    /// Checks that rank r's window p of <paramref name="ranks"/> (split from global position <paramref name="origin"/>)
    /// is the single-process window at origin + p * ranks + r, starts and bytes, and returns the positions covered.
    /// </summary>
    public static List<long> Place(EpochFixture epoch, IReadOnlyList<RankOutput> ranks, long origin)
    {
        var positions = new List<long>();
        int world = ranks.Count;
        int bytes = EpochFixture.WindowBytes;
        for (int r = 0; r < world; r++)
        {
            Assert.Equal(ranks[r].Starts.Length * bytes, ranks[r].Windows.Length);
            for (int p = 0; p < ranks[r].Starts.Length; p++)
            {
                long q = origin + ((long)p * world) + r;
                Assert.True(q < epoch.Starts.Length, $"rank {r} of {world}: window {p} is global position {q}, past the epoch");
                Assert.True(epoch.Starts[q] == ranks[r].Starts[p], $"rank {r} of {world}: window {p} (global {q}): expected start {epoch.Starts[q]}; found {ranks[r].Starts[p]}");
                Assert.True(epoch.Windows.AsSpan((int)q * bytes, bytes).SequenceEqual(ranks[r].Windows.AsSpan(p * bytes, bytes)), $"rank {r} of {world}: window {p}: bytes differ");
                positions.Add(q);
            }
        }

        return positions;
    }
}
