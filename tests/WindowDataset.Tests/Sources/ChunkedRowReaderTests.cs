using System.Runtime.InteropServices;
using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Sources;

public sealed class ChunkedRowReaderTests
{
    public static TheoryData<long[], int[]> Geometries => new()
    {
        { [37], [5] },
        { [23, 7], [4, 7] },
        { [23, 7], [4, 3] },
        { [23, 7], [30, 2] },
        { [13, 3, 5], [4, 2, 3] },
        { [13, 3, 5], [1, 3, 5] },
        { [9, 2, 3, 4], [2, 1, 2, 3] },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Read_EveryRunOfRows_EqualsTheArrayRows(long[] shape, int[] chunkShape)
    {
        var array = new MemoryChunkedArray(shape, chunkShape);
        using ArraySource source = Source(array);
        using var reader = Reader(source, ElementType.Float64, slots: 3);
        long rowElements = source.RowElements;
        for (long row = 0; row < shape[0]; row++)
        {
            for (int rows = 1; row + rows <= shape[0]; rows += 3)
            {
                double[] got = new double[rows * rowElements];
                reader.Read(0, row, rows, MemoryMarshal.AsBytes(got.AsSpan()), []);
                for (long i = 0; i < got.Length; i++)
                {
                    Assert.Equal(MemoryChunkedArray.ValueAt((row * rowElements) + i), got[i]);
                }
            }
        }
    }

    [Fact]
    public void Read_BigEndianChunksToFloat32_ConvertsLikeTheFlatReader()
    {
        var array = new MemoryChunkedArray([20, 6], [3, 4], bigEndian: true);
        using ArraySource source = Source(array, bigEndian: true);
        using var reader = Reader(source, ElementType.Float32, slots: 2);
        float[] got = new float[5 * 6];
        reader.Read(0, 7, 5, MemoryMarshal.AsBytes(got.AsSpan()), new byte[reader.ScratchBytes(5)]);
        for (int i = 0; i < got.Length; i++)
        {
            Assert.Equal((float)MemoryChunkedArray.ValueAt((7 * 6) + i), got[i]);
        }
    }

    [Fact]
    public void Read_ChunkNeverWritten_GivesTheFillValue()
    {
        var array = new MemoryChunkedArray([12, 2], [4, 2], missingChunks: [1], fill: -7.5);
        using ArraySource source = Source(array);
        using var reader = Reader(source, ElementType.Float64, slots: 2);
        double[] got = new double[12 * 2];
        reader.Read(0, 0, 12, MemoryMarshal.AsBytes(got.AsSpan()), []);
        for (int i = 0; i < got.Length; i++)
        {
            double expected = i is >= 8 and < 16 ? -7.5 : MemoryChunkedArray.ValueAt(i);
            Assert.Equal(expected, got[i]);
        }
    }

    [Fact]
    public void Acquire_ManyThreadsSameChunk_DecodesItOnce()
    {
        var array = new MemoryChunkedArray([64, 4], [64, 4]) { Delay = TimeSpan.FromMilliseconds(100) };
        using ArraySource source = Source(array);
        using var reader = Reader(source, ElementType.Float64, slots: 8);
        using var start = new Barrier(8);
        var threads = new Thread[8];
        var results = new double[8][];
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                results[id] = new double[16 * 4];
                start.SignalAndWait();
                reader.Read(0, id, 16, MemoryMarshal.AsBytes(results[id].AsSpan()), []);
            });
            threads[t].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.Equal(1, array.TotalDecodes);
        Assert.Equal(1, reader.Cache.Misses);
        Assert.Equal(7, reader.Cache.Hits);
        for (int t = 0; t < results.Length; t++)
        {
            Assert.Equal(MemoryChunkedArray.ValueAt(t * 4), results[t][0]);
        }
    }

    [Fact]
    public void Acquire_CacheFull_EvictsTheLeastRecentlyUsedChunk()
    {
        var array = new MemoryChunkedArray([40, 2], [10, 2]);
        using ArraySource source = Source(array);
        using var reader = Reader(source, ElementType.Float64, slots: 2);
        byte[] buffer = new byte[2 * 8];
        foreach (long row in new long[] { 0, 10, 0, 20 })
        {
            reader.Read(0, row, 1, buffer, []);
        }

        // Chunk 1 was the least recently used when chunk 2 came in; chunk 0 stayed.
        reader.Read(0, 0, 1, buffer, []);
        Assert.Equal(1, array.DecodesOf(0));
        reader.Read(0, 10, 1, buffer, []);
        Assert.Equal(2, array.DecodesOf(1));
        Assert.Equal(2 * 10 * 2 * 8, reader.Cache.CapacityBytes);
    }

    [Fact]
    public void Read_DecodeFails_ThrowsAndALaterReadDecodesAgain()
    {
        var array = new MemoryChunkedArray([20, 2], [5, 2]);
        array.Failing.Add(2);
        using ArraySource source = Source(array);
        using var reader = Reader(source, ElementType.Float64, slots: 2);
        byte[] buffer = new byte[6 * 2 * 8];
        var error = Assert.Throws<InvalidDataException>(() => reader.Read(0, 8, 6, buffer, []));
        Assert.Contains("memory: /test: chunk (2, 0)", error.Message);
        array.Failing.Clear();
        reader.Read(0, 8, 6, buffer, []);
        Assert.Equal(MemoryChunkedArray.ValueAt(8 * 2), MemoryMarshal.Cast<byte, double>(buffer)[0]);
        Assert.Equal(2, array.DecodesOf(2));
    }

    [Fact]
    public void Acquire_MoreReadersThanSlots_AllFinishWithCorrectRows()
    {
        var array = new MemoryChunkedArray([200, 3], [7, 3]) { Delay = TimeSpan.FromMilliseconds(1) };
        using ArraySource source = Source(array);
        using var reader = Reader(source, ElementType.Float64, slots: 2);
        var failures = new List<string>();
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, t =>
        {
            var random = new Random(t);
            double[] got = new double[16 * 3];
            for (int i = 0; i < 50; i++)
            {
                long row = random.Next(0, 200 - 16);
                reader.Read(0, row, 16, MemoryMarshal.AsBytes(got.AsSpan()), []);
                if (got[0] != MemoryChunkedArray.ValueAt(row * 3) || got[^1] != MemoryChunkedArray.ValueAt(((row + 16) * 3) - 1))
                {
                    lock (failures)
                    {
                        failures.Add($"thread {t} row {row}");
                    }
                }
            }
        });

        Assert.Empty(failures);
    }

    private static ArraySource Source(MemoryChunkedArray array, bool bigEndian = false) =>
        ArraySource.FromShards([new ShardFile("memory", null, 0, -1, array.Shape[0], 0, "test", array)], ElementType.Float64, bigEndian, [.. array.Shape.Skip(1).Select(d => (int)d)]);

    private static ChunkedRowReader Reader(ArraySource source, ElementType output, int slots)
    {
        RowReader flat = RowReader.Create(source, output, IoMode.Pread, PageCachePolicy.Default);
        return new ChunkedRowReader(source, output, PageCachePolicy.Default, flat, new ChunkCache(source.Shards[0].Chunks!.ChunkBytes, slots));
    }
}
