using System.Diagnostics;

namespace WindowDataset.Cli.Benchmarks.Baselines;

/// <summary>
/// The plain-syscall floor: one positional read per window, on 1 thread or N, each thread writing into its own
/// destination of as many batch-sized buffers as the loader holds (windows handed out in blocks of 8).
/// </summary>
internal static class PreadBaseline
{
    private const int Block = 8;

    /// <summary>Returns the elapsed time of reading every window of <paramref name="plan"/> with <paramref name="threads"/> threads.</summary>
    public static TimeSpan Run(WindowPlan plan, int threads, CancellationToken cancellationToken)
    {
        using var files = new WindowFiles(plan);
        int windowBytes = checked((int)plan.FileWindowBytes);
        long next = 0;
        Exception? failure = null;
        using var start = new ManualResetEventSlim(false);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                try
                {
                    byte[] destination = new byte[checked((int)plan.DestinationBytes)];
                    destination.AsSpan().Clear(); // fault the pages in before timing
                    start.Wait(cancellationToken);
                    while (true)
                    {
                        long first = Interlocked.Add(ref next, Block) - Block;
                        if (first >= plan.Count || cancellationToken.IsCancellationRequested)
                        {
                            break;
                        }

                        long end = Math.Min(first + Block, plan.Count);
                        for (long i = first; i < end; i++)
                        {
                            files.ReadWindow(i, destination.AsSpan((int)(i % plan.DestinationWindows) * windowBytes, windowBytes));
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                    failure ??= ex;
                }
            })
            { IsBackground = true, Name = "windowds-pread-baseline" };
            workers[t].Start();
        }

        var clock = Stopwatch.StartNew();
        start.Set();
        foreach (Thread w in workers)
        {
            w.Join();
        }

        clock.Stop();
        cancellationToken.ThrowIfCancellationRequested();
        if (failure is not null)
        {
            throw new IOException(failure.Message, failure);
        }

        return clock.Elapsed;
    }
}
