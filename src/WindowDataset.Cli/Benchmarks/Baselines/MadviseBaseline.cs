using System.Diagnostics;
using WindowDataset.Cli.Interop;

namespace WindowDataset.Cli.Benchmarks.Baselines;

/// <summary>
/// A memory map (MADV_RANDOM) with MADV_WILLNEED on the window <see cref="Lookahead"/> ahead, each window copied
/// into a batch buffer; one thread.
/// </summary>
internal static class MadviseBaseline
{
    public const int Lookahead = 8;

    public static TimeSpan Run(WindowPlan plan, CancellationToken cancellationToken)
    {
        var maps = new MappedFileView?[plan.Paths.Length];
        try
        {
            byte[] destination = new byte[checked((int)plan.DestinationBytes)];
            destination.AsSpan().Clear();
            for (int s = 0; s < maps.Length; s++)
            {
                maps[s] = MappedFileView.Open(plan.Paths[s]) ?? throw new InvalidDataException($"{plan.Paths[s]}: expected data to map; found an empty file.");
                NativeMethods.Advise(maps[s]!.View, maps[s]!.Length, 0, maps[s]!.Length, NativeMethods.MadvRandom);
            }

            int bytes = checked((int)plan.FileWindowBytes);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < Math.Min(Lookahead, plan.Count); i++)
            {
                WillNeed(maps, plan, i);
            }

            for (int i = 0; i < plan.Count; i++)
            {
                if (i + Lookahead < plan.Count)
                {
                    WillNeed(maps, plan, i + Lookahead);
                }

                maps[plan.Shard[i]]!.Read(plan.Offset[i], destination.AsSpan((i % plan.DestinationWindows) * bytes, bytes));
                if ((i & 255) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            clock.Stop();
            return clock.Elapsed;
        }
        finally
        {
            foreach (MappedFileView? map in maps)
            {
                map?.Dispose();
            }
        }
    }

    private static void WillNeed(MappedFileView?[] maps, WindowPlan plan, int window)
    {
        MappedFileView map = maps[plan.Shard[window]]!;
        NativeMethods.Advise(map.View, map.Length, plan.Offset[window], plan.FileWindowBytes, NativeMethods.MadvWillNeed);
    }
}
