using System.Buffers.Binary;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.ReadOnce;

/// <summary>
/// Coalesced and run-based reads (and the strided view) deliver exactly the bytes of the plain per-window path:
/// every sampler, strides around the window, shards, next targets, conversions, big-endian files, short batches.
/// </summary>
public sealed class ReadOnceTests : IDisposable
{
    private const int Window = 8;
    private const int Cols = 3;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int, string> StridesAndSources()
    {
        var data = new TheoryData<int, string>();
        foreach (int stride in new[] { 1, 3, Window - 1, Window, Window + 2 })
        {
            foreach (string source in new[] { "npy", "shards", "next", "float32", "bigEndian" })
            {
                data.Add(stride, source);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StridesAndSources))]
    public void Read_SequentialRuns_EqualPlainPathBitForBit(int stride, string source)
    {
        WindowLoaderOptions options = Options(source, SamplerKind.Sequential, stride);
        List<(long Start, byte[] Input, byte[] Target)> plain = ReadAll(options, coalesce: false, strided: false);
        Assert.Equal(plain, ReadAll(options, coalesce: true, strided: false), WindowComparer.Instance);
        Assert.Equal(plain, ReadAll(options, coalesce: true, strided: true), WindowComparer.Instance);
        Assert.Equal(plain, ReadAll(options, coalesce: false, strided: true), WindowComparer.Instance);
    }

    [Theory]
    [InlineData(SamplerKind.Uniform, "npy")]
    [InlineData(SamplerKind.Uniform, "shards")]
    [InlineData(SamplerKind.Uniform, "next")]
    [InlineData(SamplerKind.Uniform, "bigEndian")]
    [InlineData(SamplerKind.Permutation, "npy")]
    [InlineData(SamplerKind.Permutation, "shards")]
    [InlineData(SamplerKind.Permutation, "float32")]
    public void Read_CoalescedRandomBatches_EqualPlainPathBitForBit(SamplerKind sampler, string source)
    {
        WindowLoaderOptions options = Options(source, sampler, 1);
        options.BatchSize = 16;
        Assert.Equal(ReadAll(options, coalesce: false, strided: false), ReadAll(options, coalesce: true, strided: false), WindowComparer.Instance);
    }

    [Fact]
    public void ReadStarts_DuplicatesOverlapsAndAbuttingAcrossShards_EqualPlainPathBitForBit()
    {
        // Shards of 40, 25 and 45 rows: starts that repeat, overlap, abut, and sit on both sides of shard ends.
        WindowLoaderOptions options = Options("shards", SamplerKind.Sequential, 1);
        long[] starts = [50, 3, 3, 11, 19, 4, 32, 40, 48, 56, 65, 73, 0, 8, 16, 24, 102, 40, 95, 57];
        options.Starts = starts;
        options.BatchSize = 7;
        List<(long, byte[], byte[])> plain = ReadAll(options, coalesce: false, strided: false);
        Assert.Equal(starts, plain.ConvertAll(w => w.Item1));
        Assert.Equal(plain, ReadAll(options, coalesce: true, strided: false), WindowComparer.Instance);
    }

    [Fact]
    public void ReadStarts_AbuttingInDeliveryOrder_EqualPlainPathBitForBit()
    {
        WindowLoaderOptions options = Options("npy", SamplerKind.Sequential, 1);
        options.Starts = [0, 8, 16, 24, 40, 48, 30, 31];
        options.BatchSize = 8;
        Assert.Equal(ReadAll(options, coalesce: false, strided: false), ReadAll(options, coalesce: true, strided: false), WindowComparer.Instance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(Window - 1)]
    public void GetStatistics_SequentialStride_BytesReadWithinStrideShareOfDelivered(int stride)
    {
        string path = TestArrays.WriteNpy(_dir.File("long.npy"), 4000, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 64);
        options.Sampler = SamplerKind.Sequential;
        options.Stride = stride;
        foreach (bool strided in new[] { false, true })
        {
            options.StridedWindows = strided;
            using var loader = new WindowLoader(options);
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
            {
                _ = batch.Count;
            }

            LoaderStatistics stats = loader.GetStatistics();
            Assert.True(stats.BytesDelivered > 0);
            Assert.Equal(stats.Bytes, stats.BytesDelivered);
            double limit = ((double)stride / 16) + 0.05;
            Assert.True(stats.BytesRead <= limit * stats.BytesDelivered, $"strided {strided}: read {stats.BytesRead} for {stats.BytesDelivered} delivered: {(double)stats.BytesRead / stats.BytesDelivered:F3} > {limit:F3}");
        }
    }

    [Fact]
    public void GetStatistics_UncoalescedSequential_ReadsEveryWindow()
    {
        string path = TestArrays.WriteNpy(_dir.File("long.npy"), 500, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 32);
        options.Sampler = SamplerKind.Sequential;
        options.Coalesce = false;
        using var loader = new WindowLoader(options);
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            _ = batch.Count;
        }

        LoaderStatistics stats = loader.GetStatistics();
        Assert.Equal(stats.BytesDelivered, stats.BytesRead);
    }

    [Fact]
    public void GetStatistics_DenseUniformCoalesced_ReadsFewerBytes()
    {
        string path = TestArrays.WriteNpy(_dir.File("dense.npy"), 300, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 64);
        options.Sampler = SamplerKind.Uniform;
        options.WindowsPerEpoch = 640;
        long Read(bool coalesce)
        {
            options.Coalesce = coalesce;
            using var loader = new WindowLoader(options);
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
            {
                _ = batch.Count;
            }

            return loader.GetStatistics().BytesRead;
        }

        long off = Read(false), on = Read(true);
        Assert.Equal(640L * 16 * Cols * sizeof(double), off);
        Assert.True(on < off / 2, $"coalesced {on} bytes; uncoalesced {off}");
    }

    [Fact]
    public void MinimumMemoryBudget_CoalescingAndStridedBuffers_CountedInTheBudget()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 400, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 32);
        options.Sampler = SamplerKind.Sequential;
        options.Stride = 1;
        options.Workers = 3;
        long rowBytes = Cols * sizeof(double);
        long runBytes = 32 * 16 * rowBytes; // one run buffer per worker: a batch's span
        options.Coalesce = false;
        long plain, plainBatch;
        using (var loader = new WindowLoader(options))
        {
            (plain, plainBatch) = (loader.MinimumMemoryBudget, loader.BatchBytes);
        }

        options.Coalesce = true;
        using (var loader = new WindowLoader(options))
        {
            // The run buffers are optional: the smallest budget does not change.
            Assert.Equal(plain, loader.MinimumMemoryBudget);
        }

        // Two batches and three run buffers: coalesced, two batch buffers. Two batches only: every window read alone.
        // A third batch's bytes go to shorter run buffers first; room for both gives both.
        Assert.Equal((2, true), BuffersAndCoalesced(options, plain + (3 * runBytes)));
        Assert.Equal((2, false), BuffersAndCoalesced(options, plain));
        Assert.Equal((2, true), BuffersAndCoalesced(options, plain + plainBatch));
        Assert.Equal((3, true), BuffersAndCoalesced(options, plain + plainBatch + (3 * runBytes)));

        options.Coalesce = false;
        options.Stride = 15;
        options.StridedWindows = true;
        using (var loader = new WindowLoader(options))
        {
            // The run of 31 x 15 + 16 = 481 rows fits buffers of 32 x 16 = 512 rows: no bigger than a batch.
            Assert.Equal(plainBatch, loader.BatchBytes);
        }

        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 40 };
        using (var loader = new WindowLoader(options))
        {
            // 31 x 15 + 56 = 521 rows: buffers of 32 x 17 rows, and the target buffer.
            Assert.Equal((32 * 17 * rowBytes) + (32 * 40 * rowBytes), loader.BatchBytes);
            Assert.Equal(2 * loader.BatchBytes, loader.MinimumMemoryBudget);
        }
    }

    private static (int Buffers, bool Coalesced) BuffersAndCoalesced(WindowLoaderOptions options, long budget)
    {
        WindowLoaderOptions copy = options.Clone();
        copy.MemoryBudget = budget;
        copy.Prefetch = 10;
        using var loader = new WindowLoader(copy);
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            _ = batch.Count;
        }

        LoaderStatistics stats = loader.GetStatistics();
        return (loader.BufferCount, stats.BytesRead < stats.BytesDelivered);
    }

    [Fact]
    public void StridedBatch_Accessors_WindowsShareTheRunAndDataThrows()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, Cols);
        WindowLoaderOptions options = TestArrays.Options(path, window: Window, batch: 10);
        options.Sampler = SamplerKind.Sequential;
        options.Stride = 2;
        options.StridedWindows = true;
        using var loader = new WindowLoader(options);
        WindowBatch? kept = null;
        int strided = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            if (!batch.IsStrided)
            {
                Assert.Equal(batch.WindowBytes, batch.WindowStrideBytes);
                continue;
            }

            strided++;
            Assert.Equal(2 * Cols * sizeof(double), batch.WindowStrideBytes);
            Assert.Equal(((batch.Count - 1) * batch.WindowStrideBytes) + batch.WindowBytes, batch.RunData.Length);
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(TestArrays.ExpectedWindow(batch.Starts[i], Window, Cols), batch.GetWindowData<double>(i).ToArray());
            }

            Assert.Throws<InvalidOperationException>(() => batch.Data.Length);
            Assert.Throws<InvalidOperationException>(() => batch.Memory.Length);
            Assert.Throws<ArgumentOutOfRangeException>(() => batch.GetWindow(batch.Count).Length);
            kept = batch;
            break;
        }

        Assert.Equal(1, strided);
        kept!.Dispose();
        Assert.Throws<ObjectDisposedException>(() => kept.GetWindow(0).Length);
        Assert.Throws<ObjectDisposedException>(() => kept.RunData.Length);
    }

    private WindowLoaderOptions Options(string source, SamplerKind sampler, int stride)
    {
        // 110 rows: sequential epochs end in a short batch for every stride here.
        WindowLoaderOptions options;
        switch (source)
        {
            case "shards":
                options = TestArrays.Options(TestArrays.WriteNpyShard(_dir.File("s0.npy"), 0, 40, Cols), Window, 6);
                options.Source = SourceOptions.FromPaths(
                    _dir.File("s0.npy"),
                    TestArrays.WriteNpyShard(_dir.File("s1.npy"), 40, 25, Cols),
                    TestArrays.WriteNpyShard(_dir.File("s2.npy"), 65, 45, Cols));
                break;
            case "bigEndian":
                string raw = _dir.File("be.bin");
                WriteBigEndian(raw, 110);
                options = TestArrays.Options(raw, Window, 6);
                options.Source = new SourceOptions { Paths = [raw], Format = SourceFormat.Raw, DType = ">f8", RowShape = [Cols] };
                break;
            default:
                options = TestArrays.Options(TestArrays.WriteNpy(_dir.File("a.npy"), 110, Cols), Window, 6);
                break;
        }

        if (source == "next")
        {
            options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 3 };
        }

        if (source is "float32" or "bigEndian")
        {
            options.OutputType = ElementType.Float32;
        }

        options.Sampler = sampler;
        options.Stride = stride;
        options.Seed = 7;
        return options;
    }

    private static void WriteBigEndian(string path, long rows)
    {
        byte[] bytes = new byte[rows * Cols * sizeof(double)];
        for (long r = 0; r < rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan((int)(((r * Cols) + c) * sizeof(double))), TestArrays.Value(r, c));
            }
        }

        File.WriteAllBytes(path, bytes);
    }

    private static List<(long Start, byte[] Input, byte[] Target)> ReadAll(WindowLoaderOptions options, bool coalesce, bool strided)
    {
        WindowLoaderOptions copy = options.Clone();
        copy.Coalesce = coalesce;
        copy.StridedWindows = strided;
        var windows = new List<(long, byte[], byte[])>();
        using var loader = new WindowLoader(copy);
        IEnumerable<WindowBatch> batches = copy.Starts is { } starts ? loader.ReadStarts([.. starts]) : loader.Read(ReadRange.ForEpoch(0));
        foreach (WindowBatch batch in batches)
        {
            int targetBytes = batch.HasTarget ? batch.TargetData.Length / batch.Count : 0;
            for (int i = 0; i < batch.Count; i++)
            {
                windows.Add((batch.Starts[i], batch.GetWindow(i).ToArray(), batch.HasTarget ? batch.TargetData.Slice(i * targetBytes, targetBytes).ToArray() : []));
            }
        }

        return windows;
    }

    private sealed class WindowComparer : IEqualityComparer<(long Start, byte[] Input, byte[] Target)>
    {
        public static readonly WindowComparer Instance = new();

        public bool Equals((long Start, byte[] Input, byte[] Target) x, (long Start, byte[] Input, byte[] Target) y) =>
            x.Start == y.Start && x.Input.AsSpan().SequenceEqual(y.Input) && x.Target.AsSpan().SequenceEqual(y.Target);

        public int GetHashCode((long Start, byte[] Input, byte[] Target) obj) => obj.Start.GetHashCode();
    }
}
