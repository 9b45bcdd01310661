using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability;

/// <summary>
/// Dispose racing with MoveNext and cancellation at random moments, sync and async: no deadlock, no leaked thread,
/// no leaked buffer, and no use after free (buffers come from <see cref="GuardedAllocator"/>, whose freed pages
/// fault on any access). The random moments come from fixed seeds.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class RaceTests : IDisposable
{
    private const int Cols = 3;
    private const int HangGuardMilliseconds = 30_000;
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public RaceTests()
    {
        _path = TestArrays.WriteNpy(_dir.File("a.npy"), 3000, Cols);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dispose_RacingWithMoveNext_ConsumerSeesObjectDisposedAndNothingLeaks(bool useAsync)
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            WindowLoaderOptions options = Options(random);
            using var allocator = new GuardedAllocator();
            var loader = new WindowLoader(options, allocator);
            Exception? failure = null;
            long batches = 0;
            var consumer = new Thread(() =>
            {
                try
                {
                    batches = useAsync ? ConsumeAsync(loader, CancellationToken.None).GetAwaiter().GetResult() : Consume(loader, seed, CancellationToken.None);
                }
                catch (ObjectDisposedException)
                {
                    // Expected: the loader was disposed under the consumer.
                }
#pragma warning disable CA1031 // Any other exception is the test failure, reported below.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failure = ex;
                }
            });
            consumer.Start();
            Pause(random);
            loader.Dispose();
            Assert.True(consumer.Join(HangGuardMilliseconds), $"seed {seed}: consumer hung after Dispose");
            Assert.Null(failure);
            Assert.Equal(0, allocator.Live);
            ReliabilityChecks.AssertNoWorkerThreads();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancel_AtRandomMoments_NoLeakAndTheLoaderStaysUsable(bool useAsync)
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var random = new Random(1000 + seed);
            WindowLoaderOptions options = Options(random);
            using var allocator = new GuardedAllocator();
            using (var loader = new WindowLoader(options, allocator))
            {
                using var cts = new CancellationTokenSource();
                Exception? failure = null;
                var consumer = new Thread(() =>
                {
                    try
                    {
                        _ = useAsync ? ConsumeAsync(loader, cts.Token).GetAwaiter().GetResult() : Consume(loader, seed, cts.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // Expected.
                    }
#pragma warning disable CA1031 // Any other exception is the test failure, reported below.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        failure = ex;
                    }
                });
                consumer.Start();
                Pause(random);
                cts.Cancel();
                Assert.True(consumer.Join(HangGuardMilliseconds), $"seed {seed}: consumer hung after Cancel");
                Assert.Null(failure);
                Assert.True(loader.Pool.Outstanding == 0, $"seed {seed}: {loader.Pool.Outstanding} buffers not returned after a cancelled enumeration");
                ReliabilityChecks.AssertNoWorkerThreads();

                // Still usable: a short range of the next epoch reads correctly.
                long n = 0;
                foreach (WindowBatch batch in loader.Read(ReadRange.ForBatches(1, 0, Math.Min(3, loader.BatchesPerEpoch))))
                {
                    ReliabilityChecks.AssertContent(batch, Cols);
                    n++;
                }

                Assert.Equal(Math.Min(3, loader.BatchesPerEpoch), n);
            }

            Assert.Equal(0, allocator.Live);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancel_WhileFinishedBatchesWait_EveryBufferReturns(bool useAsync)
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 2);
        options.Workers = 4;
        options.Prefetch = 6;
        var allocator = new TrackingAllocator();
        using (var loader = new WindowLoader(options, allocator))
        {
            using var cts = new CancellationTokenSource();
            if (useAsync)
            {
                await using IAsyncEnumerator<WindowBatch> e = loader.ReadAsync(ReadRange.ForEpoch(0), cts.Token).GetAsyncEnumerator();
                Assert.True(await e.MoveNextAsync());
                WaitUntilAllSlotsTaken(loader);
                cts.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await e.MoveNextAsync());
            }
            else
            {
                using IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0), cts.Token).GetEnumerator();
                Assert.True(e.MoveNext());
                WaitUntilAllSlotsTaken(loader);
                cts.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => e.MoveNext());
            }

            Assert.Equal(0, loader.Pool.Outstanding);
        }

        Assert.Equal(0, allocator.Live);
    }

    private static void WaitUntilAllSlotsTaken(WindowLoader loader)
    {
        // Every slot taken is not enough: the last gather may still be running. It has finished once every worker is
        // blocked in the kernel (each waits for a free slot, and none will come until the consumer moves on). Thread
        // states are a snapshot, so the condition must hold on two looks in a row. The deadline only guards a hang.
        var deadline = DateTime.UtcNow.AddMilliseconds(HangGuardMilliseconds);
        int settledLooks = 0;
        while (settledLooks < 2 && DateTime.UtcNow < deadline)
        {
            bool settled = loader.Pool.Outstanding == loader.BufferCount && (!WorkerThreads.Supported || AllWorkersBlocked());
            settledLooks = settled ? settledLooks + 1 : 0;
            Thread.Sleep(1);
        }

        Assert.True(settledLooks >= 2, $"the workers did not settle: {loader.Pool.Outstanding} of {loader.BufferCount} slots taken");
    }

    /// <summary>Whether every loader worker thread is sleeping (state S in <c>/proc/self/task/*/stat</c>) and there is at least one.</summary>
    private static bool AllWorkersBlocked()
    {
        int workers = 0;
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread exited while we looked
            }

            // "tid (comm) state ...": comm may hold spaces and parentheses, so the state follows the last ')'.
            int open = stat.IndexOf('(', StringComparison.Ordinal);
            int close = stat.LastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.Length || !stat.AsSpan(open + 1, close - open - 1).StartsWith("WindowDataset w", StringComparison.Ordinal))
            {
                continue;
            }

            workers++;
            if (stat[close + 2] != 'S')
            {
                return false;
            }
        }

        return workers > 0;
    }

    private WindowLoaderOptions Options(Random random)
    {
        WindowLoaderOptions options = TestArrays.Options(_path, window: random.Next(1, 40), batch: random.Next(1, 24));
        options.Workers = random.Next(1, 9);
        options.Io = random.Next(2) == 0 ? IoMode.Pread : IoMode.Mmap;
        options.OutputType = random.Next(3) == 0 ? ElementType.Float32 : null;
        options.Prefetch = random.Next(1, 6);
        options.Seed = (ulong)random.Next();
        return options;
    }

    private static void Pause(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                break;
            case 1:
                Thread.Yield();
                break;
            case 2:
                Thread.SpinWait(random.Next(1, 200_000));
                break;
            default:
                Thread.Sleep(random.Next(1, 4));
                break;
        }
    }

    private static long Consume(WindowLoader loader, int seed, CancellationToken token)
    {
        long batches = 0;
        for (long epoch = 0; epoch < 1000; epoch++)
        {
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(epoch), token))
            {
                // Touch every byte of the batch: a freed (guarded) buffer would fault here.
                ReliabilityChecks.AssertContent(batch, Cols);
                batches++;
                if ((batches + seed) % 7 == 0)
                {
                    Thread.Yield();
                }
            }
        }

        return batches;
    }

    private static async Task<long> ConsumeAsync(WindowLoader loader, CancellationToken token)
    {
        long batches = 0;
        for (long epoch = 0; epoch < 1000; epoch++)
        {
            await foreach (WindowBatch batch in loader.ReadAsync(ReadRange.ForEpoch(epoch), token))
            {
                ReliabilityChecks.AssertContent(batch, Cols);
                batches++;
            }
        }

        return batches;
    }
}
