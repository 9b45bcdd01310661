using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>
/// The machine's limits measured in the same run as the loader: a large memory copy, one sequential pass of
/// positional reads over the files, and positional reads of one window each at random offsets on as many
/// threads as the loader has workers (each disk figure cold when the configuration is: the files are evicted first;
/// warm: read once untimed first, so the figures are the page cache's).
/// </summary>
internal sealed record MachineCeilings
{
    private const int CopyBytes = 64 << 20;
    private const int SequentialBlock = 8 << 20;
    private const long SequentialCap = 4L << 30;
    private const int RandomReads = 20_000;

    /// <summary>Memory-to-memory copy, GB/s (best of 4 passes over 64 MiB).</summary>
    public required double MemcpyGbPerSecond { get; init; }

    /// <summary>One sequential pass over the files (at most 4 GiB), GB/s; null for chunked or remote sources.</summary>
    public double? SequentialReadGbPerSecond { get; init; }

    public long SequentialReadBytes { get; init; }

    /// <summary>Window-sized reads at random offsets, on the loader's worker count of threads, GB/s; null for chunked or remote sources.</summary>
    public double? RandomReadGbPerSecond { get; init; }

    public long RandomReadBytes { get; init; }

    public static MachineCeilings Measure(WindowPlan plan, bool cold, int threads, CancellationToken cancellationToken)
    {
        double memcpy = Memcpy();
        if (plan.Chunked || plan.Remote || plan.Paths.Length == 0)
        {
            return new MachineCeilings { MemcpyGbPerSecond = memcpy };
        }

        if (cold)
        {
            PageCache.Evict(plan.Paths);
        }
        else
        {
            _ = Sequential(plan.Paths, cancellationToken); // warm: the page cache's speed, not the first read's
        }

        (double sequential, long sequentialBytes) = Sequential(plan.Paths, cancellationToken);
        if (cold)
        {
            PageCache.Evict(plan.Paths);
        }

        (double random, long randomBytes) = Random(plan, threads, cancellationToken);
        return new MachineCeilings
        {
            MemcpyGbPerSecond = memcpy,
            SequentialReadGbPerSecond = sequential,
            SequentialReadBytes = sequentialBytes,
            RandomReadGbPerSecond = random,
            RandomReadBytes = randomBytes,
        };
    }

    private static unsafe double Memcpy()
    {
        // Native memory, freed at once: managed arrays of this size would stay committed and inflate the loader's memory figures.
        byte* source = (byte*)NativeMemory.AlignedAlloc(CopyBytes, 64);
        byte* destination = (byte*)NativeMemory.AlignedAlloc(CopyBytes, 64);
        try
        {
            new Span<byte>(source, CopyBytes).Fill(0x5A);
            new Span<byte>(destination, CopyBytes).Clear();
            double best = double.MaxValue;
            for (int pass = 0; pass < 4; pass++)
            {
                long start = Stopwatch.GetTimestamp();
                Buffer.MemoryCopy(source, destination, CopyBytes, CopyBytes);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            return CopyBytes / best / 1e9;
        }
        finally
        {
            NativeMemory.AlignedFree(source);
            NativeMemory.AlignedFree(destination);
        }
    }

    private static (double GbPerSecond, long Bytes) Sequential(string[] paths, CancellationToken cancellationToken)
    {
        byte[] block = GC.AllocateUninitializedArray<byte>(SequentialBlock);
        long total = 0;
        long start = Stopwatch.GetTimestamp();
        foreach (string path in paths)
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
            long offset = 0;
            int read;
            while (total < SequentialCap && (read = RandomAccess.Read(handle, block, offset)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                offset += read;
                total += read;
            }
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (seconds > 0 ? total / seconds / 1e9 : 0, total);
    }

    private static (double GbPerSecond, long Bytes) Random(WindowPlan plan, int threads, CancellationToken cancellationToken)
    {
        int bytes = checked((int)plan.FileWindowBytes);
        long length = new FileInfo(plan.Paths[0]).Length;
        if (length <= bytes)
        {
            return (0, 0);
        }

        int reads = (int)Math.Min(RandomReads, Math.Max(plan.Count, 1000));
        long next = 0;
        var workers = new Thread[Math.Max(1, threads)];
        using SafeFileHandle handle = File.OpenHandle(plan.Paths[0], FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.RandomAccess);
        long start = Stopwatch.GetTimestamp();
        for (int t = 0; t < workers.Length; t++)
        {
            int seed = t + 1;
            workers[t] = new Thread(() =>
            {
                var random = new Random(seed);
                byte[] buffer = GC.AllocateUninitializedArray<byte>(bytes);
                while (Interlocked.Increment(ref next) <= reads && !cancellationToken.IsCancellationRequested)
                {
                    RandomAccess.Read(handle, buffer, random.NextInt64(0, length - bytes));
                }
            })
            { IsBackground = true, Name = "windowds-random-ceiling" };
            workers[t].Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        cancellationToken.ThrowIfCancellationRequested();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long total = (long)reads * bytes;
        return (seconds > 0 ? total / seconds / 1e9 : 0, total);
    }
}
