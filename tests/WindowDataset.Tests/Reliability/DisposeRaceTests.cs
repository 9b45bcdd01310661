using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability;

/// <summary>
/// The loader's Dispose racing the consumer's end of an enumeration: the run must stop its workers before the loader
/// closes the files and frees the pool. With <c>io: mmap</c> a worker still copying from an unmapped file would crash
/// the test host, so a crash (or a leaked buffer) is the failure this catches.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DisposeRaceTests : IDisposable
{
    private const int Cols = 3;
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public DisposeRaceTests() => _path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, Cols);

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(IoMode.Mmap)]
    [InlineData(IoMode.Pread)]
    public void Dispose_RacingWithTheEndOfAnEnumeration_WorkersStopBeforeTheFilesClose(IoMode io)
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            WindowLoaderOptions options = TestArrays.Options(_path, window: 4, batch: 16);
            options.Io = io;
            options.Workers = random.Next(1, 5);
            options.Sampler = SamplerKind.Uniform;
            options.WindowsPerEpoch = random.Next(16, 64); // 1-4 batches: epochs end, and runs finish, all the time
            options.Seed = (ulong)seed;
            using var allocator = new GuardedAllocator();
            var loader = new WindowLoader(options, allocator);
            Exception? failure = null;
            var consumer = new Thread(() =>
            {
                try
                {
                    for (long epoch = 0; epoch < 100_000; epoch++)
                    {
                        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(epoch)))
                        {
                            ReliabilityChecks.AssertContent(batch, Cols);
                        }
                    }
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
            Thread.Sleep(random.Next(0, 6));
            loader.Dispose();
            Assert.True(consumer.Join(30_000), $"seed {seed}: consumer hung after Dispose");
            Assert.Null(failure);
            Assert.Equal(0, allocator.Live);
            ReliabilityChecks.AssertNoWorkerThreads();
        }
    }
}
