using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using WindowDataset.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WindowDataset.Tests.Reliability;

/// <summary>
/// Long run (opt-in: <c>WINDOWDATASET_SOAK=1</c>; minutes in <c>WINDOWDATASET_SOAK_MINUTES</c>, default 10): loaders
/// with random options are created, read at random speeds (sync and async, whole epochs, early breaks and
/// cancellations) and disposed, over and over. Asserts no buffer or worker thread outlives its loader, sampled batches
/// equal an independent computation of the file's values, and managed heap and RSS stay flat after warm-up: their
/// least-squares slopes over the samples after the warm-up and their ranges are bounded. Each sample follows
/// aggressive full collections and <c>malloc_trim</c>, so RSS counts memory in use, not memory the GC or glibc keep
/// cached for later (the GC alone held 20-90 MiB of committed, free regions in a plain run, returned lazily).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed partial class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Cols = 8;
    private const int Rows = 20_000;
    // A leak shows as a steady rise: bounded as a least-squares slope, in MiB per minute, over the samples after the
    // warm-up. Short runs have noisier slopes, so the bound is the larger of a rate and a total fitted rise. The rate
    // allows the drift measured here (0.1-0.25 MiB/min, all of it in glibc's arenas while the memory malloc has in
    // use stays flat: worker threads created and ended with every loader spread over up to 8 arenas per core;
    // MALLOC_ARENA_MAX=2 cut a 30-minute run's slope from 0.116 to 0.032 MiB/min); one pool buffer leaked per loader
    // would add over 10 MiB/min at this soak's 2-4 loaders a second.
    private const double RssSlopeBound = 0.5;
    private const double RssFittedRiseBoundMiB = 4;
    private const long RssRangeBound = 16L << 20;
    private const double HeapSlopeBound = 0.02;
    private const double HeapFittedRiseBoundMiB = 1;
    private const long HeapRangeBound = 2L << 20;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [SoakFact]
    public void Soak_RandomLoadersAndConsumers_NoLeaksFlatMemoryAndCorrectBatches()
    {
        double minutes = double.TryParse(Environment.GetEnvironmentVariable("WINDOWDATASET_SOAK_MINUTES"), NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m > 0 ? m : 10;
        var duration = TimeSpan.FromMinutes(minutes);
        var warmUp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(2).Ticks, duration.Ticks / 10));
        var interval = TimeSpan.FromTicks(Math.Clamp(duration.Ticks / 100, TimeSpan.FromSeconds(5).Ticks, TimeSpan.FromSeconds(30).Ticks));
        string path = TestArrays.WriteNpy(_dir.File("soak.npy"), Rows, Cols);
        var allocator = new TrackingAllocator();
        var random = new Random(20240611);
        var clock = Stopwatch.StartNew();
        var stats = new SoakFigures();
        MemorySample start = MemorySample.Take(TimeSpan.Zero, stats.Loaders);
        var samples = new List<MemorySample>();
        TimeSpan nextSample = warmUp;

        while (clock.Elapsed < duration)
        {
            RunOneLoader(path, allocator, random, stats);
            Assert.True(allocator.Live == 0, $"loader {stats.Loaders}: {allocator.Live} buffers alive after Dispose");
            if (clock.Elapsed >= nextSample)
            {
                samples.Add(MemorySample.Take(clock.Elapsed, stats.Loaders));
                nextSample = clock.Elapsed + interval;
            }
        }

        samples.Add(MemorySample.Take(clock.Elapsed, stats.Loaders));
        int threadsLeft = WorkerThreads.SettleToZero();
        MemorySample warm = samples[0];
        MemorySample end = samples[^1];
        double minutesAfterWarmUp = Math.Max((end.Elapsed - warm.Elapsed).TotalMinutes, 1e-3);
        double rssSlopeBound = Math.Max(RssSlopeBound, RssFittedRiseBoundMiB / minutesAfterWarmUp);
        double heapSlopeBound = Math.Max(HeapSlopeBound, HeapFittedRiseBoundMiB / minutesAfterWarmUp);
        double nativeSlope = SlopePerMinute(samples, static s => s.RssAnon - s.Committed);
        double rssSlope = SlopePerMinute(samples, static s => s.Rss);
        double heapSlope = SlopePerMinute(samples, static s => s.Heap);
        long rssRange = Range(samples, static s => s.Rss);
        long heapRange = Range(samples, static s => s.Heap);
        output.WriteLine($"soak: {clock.Elapsed.TotalMinutes:F1} min, {stats.Loaders} loaders, {stats.Epochs} enumerations ({stats.Cancelled} cancelled, {stats.Broken} broken off), {stats.Batches} batches, {stats.Windows} windows");
        output.WriteLine($"content checks: {stats.CheckedBatches} batches ({stats.CheckedWindows} windows, {stats.CheckedTargets} targets) equal to the independently computed values");
        output.WriteLine($"buffers: {allocator.Allocations} allocated, {allocator.Live} alive at the end; worker threads left: {threadsLeft}");
        output.WriteLine($"RSS: start {Mb(start.Rss)}, after warm-up ({warmUp.TotalSeconds:F0} s) {Mb(warm.Rss)}, min {Mb(Min(samples, static s => s.Rss))}, max {Mb(Max(samples, static s => s.Rss))}, end {Mb(end.Rss)}; slope after warm-up {rssSlope:F3} MiB/min over {samples.Count} samples (allowed {rssSlopeBound:F2}), max - min {Mb(rssRange)} (allowed {Mb(RssRangeBound)})");
        output.WriteLine($"anonymous memory outside the GC heap (RssAnon - GC committed): min {Mb(Min(samples, static s => s.RssAnon - s.Committed))}, max {Mb(Max(samples, static s => s.RssAnon - s.Committed))}, slope {nativeSlope:F3} MiB/min; malloc in use: min {Mb(Min(samples, static s => s.MallocInUse))}, max {Mb(Max(samples, static s => s.MallocInUse))}");
        output.WriteLine($"managed heap: start {Mb(start.Heap)}, after warm-up {Mb(warm.Heap)}, end {Mb(end.Heap)}; slope {heapSlope:F3} MiB/min (allowed {heapSlopeBound:F2}), max - min {Mb(heapRange)} (allowed {Mb(HeapRangeBound)})");
        output.WriteLine($"open file descriptors: after warm-up {warm.Files}, end {end.Files}; threads: after warm-up {warm.Threads}, end {end.Threads}");
        output.WriteLine("samples (s, loaders, RSS MiB, anon MiB, file MiB, heap MiB, GC committed MiB, malloc in use MiB, malloc arena+mmap MiB, threads, fds):");
        foreach (MemorySample s in samples)
        {
            output.WriteLine(s.ToString());
        }

        Assert.Equal(0, allocator.Live);
        Assert.Equal(0, threadsLeft);
        Assert.True(stats.CheckedBatches > 0);
        Assert.True(end.Files <= warm.Files + 4, $"open file descriptors grew from {warm.Files} to {end.Files}");
        Assert.True(rssSlope <= rssSlopeBound, $"RSS rose {rssSlope:F3} MiB/min after warm-up (allowed {rssSlopeBound:F2})");
        Assert.True(rssRange <= RssRangeBound, $"RSS varied by {Mb(rssRange)} after warm-up (allowed {Mb(RssRangeBound)})");
        Assert.True(heapSlope <= heapSlopeBound, $"managed heap rose {heapSlope:F3} MiB/min after warm-up (allowed {heapSlopeBound:F2})");
        Assert.True(heapRange <= HeapRangeBound, $"managed heap varied by {Mb(heapRange)} after warm-up (allowed {Mb(HeapRangeBound)})");
    }

    /// <summary>Least-squares slope of a figure over time, in MiB per minute.</summary>
    private static double SlopePerMinute(List<MemorySample> samples, Func<MemorySample, long> figure)
    {
        if (samples.Count < 2)
        {
            return 0;
        }

        double meanT = 0, meanY = 0;
        foreach (MemorySample s in samples)
        {
            meanT += s.Elapsed.TotalMinutes;
            meanY += figure(s) / (1024.0 * 1024.0);
        }

        meanT /= samples.Count;
        meanY /= samples.Count;
        double covariance = 0, variance = 0;
        foreach (MemorySample s in samples)
        {
            double dt = s.Elapsed.TotalMinutes - meanT;
            covariance += dt * ((figure(s) / (1024.0 * 1024.0)) - meanY);
            variance += dt * dt;
        }

        return variance == 0 ? 0 : covariance / variance;
    }

    private static long Min(List<MemorySample> samples, Func<MemorySample, long> figure)
    {
        long min = long.MaxValue;
        foreach (MemorySample s in samples)
        {
            min = Math.Min(min, figure(s));
        }

        return min;
    }

    private static long Max(List<MemorySample> samples, Func<MemorySample, long> figure)
    {
        long max = long.MinValue;
        foreach (MemorySample s in samples)
        {
            max = Math.Max(max, figure(s));
        }

        return max;
    }

    private static long Range(List<MemorySample> samples, Func<MemorySample, long> figure) => Max(samples, figure) - Min(samples, figure);

    private static void RunOneLoader(string path, TrackingAllocator allocator, Random random, SoakFigures stats)
    {
        int window = random.Next(1, 65);
        var options = new WindowLoaderOptions
        {
            Source = SourceOptions.FromPaths(path),
            Window = window,
            BatchSize = random.Next(1, 65),
            Workers = random.Next(1, 9),
            Prefetch = random.Next(1, 9),
            Sampler = (SamplerKind)random.Next(3),
            Stride = random.Next(1, 50),
            WindowsPerEpoch = random.Next(3) == 0 ? null : random.Next(1, 3000),
            DropLast = random.Next(2) == 0,
            Seed = (ulong)random.NextInt64(),
            Io = random.Next(2) == 0 ? IoMode.Pread : IoMode.Mmap,
            OutputType = random.Next(3) == 0 ? ElementType.Float32 : null,
            Target = random.Next(3) == 0 ? new TargetOptions { Kind = TargetKind.Next, Horizon = random.Next(1, 5) } : new TargetOptions(),
            MemoryBudget = random.Next(2) == 0 ? 64L << 20 : 4L << 20,
            Rank = 0,
            WorldSize = 1,
        };

        WindowLoader loader;
        try
        {
            loader = new WindowLoader(options, allocator);
        }
        catch (ArgumentOutOfRangeException)
        {
            return; // a budget below two batches for this shape: refused up front, nothing allocated
        }

        using (loader)
        {
            stats.Loaders++;
            int epochs = random.Next(1, 4);
            for (int e = 0; e < epochs; e++)
            {
                int mode = random.Next(10);
                using var cts = new CancellationTokenSource();
                long cancelAt = mode == 0 ? random.Next(0, (int)Math.Min(loader.BatchesPerEpoch, 50)) : -1;
                long breakAt = mode == 1 ? random.Next(0, (int)Math.Min(loader.BatchesPerEpoch, 50)) : -1;
                int speed = random.Next(4);
                stats.Epochs++;
                try
                {
                    if (mode == 2)
                    {
                        ConsumeAsync(loader, e, random, speed, stats).GetAwaiter().GetResult();
                    }
                    else
                    {
                        long n = 0;
                        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(e), cts.Token))
                        {
                            Consume(batch, random, speed, stats);
                            if (n == cancelAt)
                            {
                                cts.Cancel();
                            }

                            if (n++ == breakAt)
                            {
                                stats.Broken++;
                                break;
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (cts.IsCancellationRequested)
                {
                    stats.Cancelled++;
                }

                Assert.Equal(0, loader.Pool.Outstanding);
            }
        }
    }

    private static async Task ConsumeAsync(WindowLoader loader, long epoch, Random random, int speed, SoakFigures stats)
    {
        await foreach (WindowBatch batch in loader.ReadAsync(ReadRange.ForEpoch(epoch)))
        {
            Consume(batch, random, speed, stats);
            if (speed == 3)
            {
                await Task.Yield();
            }
        }
    }

    private static void Consume(WindowBatch batch, Random random, int speed, SoakFigures stats)
    {
        stats.Batches++;
        stats.Windows += batch.Count;
        if (random.Next(25) == 0)
        {
            ReliabilityChecks.AssertContent(batch, Cols);
            stats.CheckedBatches++;
            stats.CheckedWindows += batch.Count;
            if (batch.HasTarget)
            {
                AssertNextTarget(batch);
                stats.CheckedTargets += batch.Count;
            }
        }

        switch (speed)
        {
            case 1:
                Thread.SpinWait(random.Next(0, 50_000));
                break;
            case 2 when random.Next(20) == 0:
                Thread.Sleep(1);
                break;
            default:
                break;
        }
    }

    private static void AssertNextTarget(WindowBatch batch)
    {
        int horizon = (int)batch.TargetShape![1];
        ReadOnlySpan<long> starts = batch.Starts;
        for (int i = 0; i < batch.Count; i++)
        {
            double[] expected = TestArrays.ExpectedWindow(starts[i] + batch.Window, horizon, Cols);
            for (int k = 0; k < expected.Length; k++)
            {
                double found = batch.TargetElementType == ElementType.Float64
                    ? batch.GetTargetData<double>()[(i * horizon * Cols) + k]
                    : batch.GetTargetData<float>()[(i * horizon * Cols) + k];
                double want = batch.TargetElementType == ElementType.Float64 ? expected[k] : (float)expected[k];
                if (found != want)
                {
                    Assert.Fail($"batch {batch.Index} target {i} element {k}: expected {want}, found {found}.");
                }
            }
        }
    }

    /// <summary>Returns glibc's free heap pages to the system, so RSS measures memory in use, not memory cached by malloc.</summary>
    private static void TrimNativeHeap()
    {
        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc: RSS then includes the allocator's cache.
        }
        catch (DllNotFoundException)
        {
        }
    }

    /// <summary>glibc's heap figures (in use, and held from the system), or zeros where mallinfo2 is missing.</summary>
    private static (long InUse, long Held) NativeHeap()
    {
        try
        {
            MallInfo2 info = MallInfo2Native();
            return ((long)(info.Uordblks + info.Hblkhd), (long)(info.Arena + info.Hblkhd));
        }
        catch (EntryPointNotFoundException)
        {
            return (0, 0);
        }
        catch (DllNotFoundException)
        {
            return (0, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 MallInfo2Native();

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }

    /// <summary>One reading of the process's memory, taken after full compacting collections and a native heap trim.</summary>
    private sealed record MemorySample(TimeSpan Elapsed, long Loaders, long Rss, long RssAnon, long RssFile, long Heap, long Committed, long MallocInUse, long MallocHeld, int Threads, int Files)
    {
        public static MemorySample Take(TimeSpan elapsed, long loaders)
        {
            // Aggressive: the GC also decommits its free regions and shrinks its budgets. Without it RSS follows the
            // GC's committed-but-free memory, which it returns to the system lazily (tens of MiB up and down here).
            for (int i = 0; i < 2; i++)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }

            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

            long heap = GC.GetTotalMemory(forceFullCollection: true);
            long committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            TrimNativeHeap();
            (long inUse, long held) = NativeHeap();
            long rss = 0, anon = 0, file = 0;
            int threads = 0;
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = Kb(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kb(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new MemorySample(elapsed, loaders, rss, anon, file, heap, committed, inUse, held, threads, Directory.GetFiles("/proc/self/fd").Length);
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds:F0} {Loaders} {Mib(Rss):F1} {Mib(RssAnon):F1} {Mib(RssFile):F1} {Mib(Heap):F1} {Mib(Committed):F1} {Mib(MallocInUse):F1} {Mib(MallocHeld):F1} {Threads} {Files}");

        private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

        private static long Kb(string line)
        {
            ReadOnlySpan<char> value = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
            return long.Parse(value.TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        }
    }

    private sealed class SoakFigures
    {
        public long Loaders { get; set; }

        public long Epochs { get; set; }

        public long Cancelled { get; set; }

        public long Broken { get; set; }

        public long Batches { get; set; }

        public long Windows { get; set; }

        public long CheckedBatches { get; set; }

        public long CheckedWindows { get; set; }

        public long CheckedTargets { get; set; }
    }
}
