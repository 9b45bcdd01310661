using System.Runtime.InteropServices;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class WindowLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void ReadEpoch_Permutation_WindowsEqualSourceAndVisitEveryStartOnce(IoMode io)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 203, 5);
        WindowLoaderOptions options = TestArrays.Options(path, window: 7, batch: 10);
        options.Io = io;
        options.Seed = 42;
        using var loader = new WindowLoader(options);
        var seen = new HashSet<long>();
        long expectedBatch = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal(expectedBatch++, batch.Index);
            Span<double> data = batch.GetData<double>();
            for (int i = 0; i < batch.Count; i++)
            {
                long start = batch.Starts[i];
                Assert.True(seen.Add(start), $"start {start} twice");
                Assert.Equal(TestArrays.ExpectedWindow(start, 7, 5), data.Slice(i * 35, 35).ToArray());
            }
        }

        Assert.Equal(203 - 7 + 1, seen.Count);
        Assert.Equal(loader.BatchesPerEpoch, expectedBatch);
    }

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void ReadEpoch_WideRowsToFloat32_ConvertedInPiecesEqualSource(IoMode io)
    {
        // 16 rows x 1000 float64 = 128 KB per window: converted reads go through scratch in 64 KB pieces.
        string path = TestArrays.WriteNpy(_dir.File("wide.npy"), 120, 1000);
        WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 4);
        options.Io = io;
        options.OutputType = ElementType.Float32;
        options.MemoryBudget = 16L << 20;
        using var loader = new WindowLoader(options);
        int checkedWindows = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<float> data = batch.GetData<float>();
            for (int i = 0; i < batch.Count; i++)
            {
                float[] expected = Array.ConvertAll(TestArrays.ExpectedWindow(batch.Starts[i], 16, 1000), v => (float)v);
                Assert.Equal(expected, data.Slice(i * 16000, 16000).ToArray());
                checkedWindows++;
            }
        }

        Assert.Equal(120 - 16 + 1, checkedWindows);
    }

    [Fact]
    public void ReadEpoch_DifferentWorkerCounts_IdenticalStream()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 500, 3);
        List<long> Run(int workers)
        {
            WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 7);
            options.Workers = workers;
            options.Sampler = SamplerKind.Uniform;
            options.Seed = 7;
            using var loader = new WindowLoader(options);
            var starts = new List<long>();
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(3)))
            {
                starts.AddRange(batch.Starts.ToArray());
                Assert.Equal(MemoryMarshal.Cast<double, byte>(TestArrays.ExpectedWindow(batch.Starts[0], 16, 3)).ToArray(), batch.Data[..(16 * 3 * 8)].ToArray());
            }

            return starts;
        }

        List<long> one = Run(1);
        Assert.Equal(one, Run(8));
        Assert.Equal(one, Run(3));
    }

    [Fact]
    public void Dispose_MidEpoch_FreesAllBuffers()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 1000, 8);
        var allocator = new TrackingAllocator();
        var loader = new WindowLoader(TestArrays.Options(path), allocator);
        int n = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            if (++n == 3)
            {
                break;
            }
        }

        Assert.True(allocator.Peak <= loader.BufferCount);
        loader.Dispose();
        Assert.Equal(0, allocator.Live);
    }
}
