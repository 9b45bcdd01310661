using System.Diagnostics;

namespace WindowDataset.Cli.Benchmarks.Baselines;

/// <summary>
/// The copy ceiling: the same number of bytes, window by window, from a memory buffer (up to 256 MiB, larger than
/// the caches) into the batch buffers. Offsets follow the windows' file offsets, wrapped into the buffer.
/// </summary>
internal static class MemcpyBaseline
{
    private const long MaxSourceBytes = 256L << 20;

    public static TimeSpan Run(WindowPlan plan, CancellationToken cancellationToken)
    {
        int bytes = checked((int)plan.FileWindowBytes);
        int sourceBytes = checked((int)Math.Max(2L * bytes, Math.Min(plan.DataBytes, MaxSourceBytes)));
        byte[] source = new byte[sourceBytes];
        byte[] destination = new byte[checked((int)plan.DestinationBytes)];
        destination.AsSpan().Clear();
        source.AsSpan().Fill(0x5A);
        long span = sourceBytes - bytes + 1;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < plan.Count; i++)
        {
            source.AsSpan((int)(plan.Offset[i] % span), bytes).CopyTo(destination.AsSpan((i % plan.DestinationWindows) * bytes, bytes));
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        clock.Stop();
        return clock.Elapsed;
    }
}
