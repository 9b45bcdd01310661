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
/// equal an independent computation of the file's values, and managed heap and RSS stay flat after warm-up.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed partial class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Cols = 8;
    private const int Rows = 20_000;
    private const long RssSlackBytes = 8L << 20;
    private const long HeapSlackBytes = 2L << 20;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [SoakFact]
    public void Soak_RandomLoadersAndConsumers_NoLeaksFlatMemoryAndCorrectBatches()
    {
        double minutes = double.TryParse(Environment.GetEnvironmentVariable("WINDOWDATASET_SOAK_MINUTES"), NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m > 0 ? m : 10;
        var duration = TimeSpan.FromMinutes(minutes);
        var warmUp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, duration.Ticks / 10));
        string path = TestArrays.WriteNpy(_dir.File("soak.npy"), Rows, Cols);
        var allocator = new TrackingAllocator();
        var random = new Random(20240611);
        var clock = Stopwatch.StartNew();
        var stats = new SoakFigures();
        (long Rss, long Heap)? warm = null;
        (long Rss, long Heap) start = Measure();
        long maxRssAfterWarmUp = 0;
        int? warmFiles = null;
        var samples = new List<string>();
        TimeSpan nextSample = warmUp;

        while (clock.Elapsed < duration)
        {
            RunOneLoader(path, allocator, random, stats);
            Assert.True(allocator.Live == 0, $"loader {stats.Loaders}: {allocator.Live} buffers alive after Dispose");
            if (clock.Elapsed >= nextSample)
            {
                (long rss, long heap) = Measure();
                warm ??= (rss, heap);
                warmFiles ??= OpenFiles();
                samples.Add($"{clock.Elapsed.TotalSeconds:F0}s {Mb(rss)}");
                maxRssAfterWarmUp = Math.Max(maxRssAfterWarmUp, rss);
                nextSample = clock.Elapsed + TimeSpan.FromSeconds(30);
            }
        }

        (long Rss, long Heap) end = Measure();
        warm ??= end;
        warmFiles ??= OpenFiles();
        int endFiles = OpenFiles();
        maxRssAfterWarmUp = Math.Max(maxRssAfterWarmUp, end.Rss);
        int threadsLeft = WorkerThreads.SettleToZero();
        output.WriteLine($"soak: {clock.Elapsed.TotalMinutes:F1} min, {stats.Loaders} loaders, {stats.Epochs} enumerations ({stats.Cancelled} cancelled, {stats.Broken} broken off), {stats.Batches} batches, {stats.Windows} windows");
        output.WriteLine($"content checks: {stats.CheckedBatches} batches ({stats.CheckedWindows} windows, {stats.CheckedTargets} targets) equal to the independently computed values");
        output.WriteLine($"buffers: {allocator.Allocations} allocated, {allocator.Live} alive at the end; worker threads left: {threadsLeft}");
        output.WriteLine($"RSS: start {Mb(start.Rss)}, after warm-up ({warmUp.TotalSeconds:F0} s) {Mb(warm.Value.Rss)}, max after warm-up {Mb(maxRssAfterWarmUp)}, end {Mb(end.Rss)} (growth {Mb(end.Rss - warm.Value.Rss)})");
        output.WriteLine($"RSS samples after warm-up: {string.Join(", ", samples)}");
        output.WriteLine($"open file descriptors: after warm-up {warmFiles}, end {endFiles}");
        output.WriteLine($"managed heap: start {Mb(start.Heap)}, after warm-up {Mb(warm.Value.Heap)}, end {Mb(end.Heap)} (growth {Mb(end.Heap - warm.Value.Heap)})");

        Assert.Equal(0, allocator.Live);
        Assert.Equal(0, threadsLeft);
        Assert.True(stats.CheckedBatches > 0);
        Assert.True(endFiles <= warmFiles + 4, $"open file descriptors grew from {warmFiles} to {endFiles}");
        Assert.True(end.Rss - warm.Value.Rss <= RssSlackBytes, $"RSS grew by {Mb(end.Rss - warm.Value.Rss)} after warm-up (allowed {Mb(RssSlackBytes)})");
        Assert.True(end.Heap - warm.Value.Heap <= HeapSlackBytes, $"managed heap grew by {Mb(end.Heap - warm.Value.Heap)} after warm-up (allowed {Mb(HeapSlackBytes)})");
    }

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

    private static (long Rss, long Heap) Measure()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        long heap = GC.GetTotalMemory(forceFullCollection: true);
        TrimNativeHeap();
        long rss = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return (rss, heap);
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

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    private static int OpenFiles() => Directory.GetFiles("/proc/self/fd").Length;

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";

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
