using System.Text.Json;
using WindowDataset.Formats;
using WindowDataset.Formats.Zarr;
using WindowDataset.Tests.Formats.Zarr.Infrastructure;

namespace WindowDataset.Tests.Formats.Zarr;

/// <summary>Every fixture written by zarr-python (v2) or the v3 script reads back bit for bit; refused ones say why.</summary>
public sealed class ZarrFixtureTests
{
    public static TheoryData<string, string> Readable => ZarrFixtures.Readable();

    public static TheoryData<string, string> Refused => ZarrFixtures.Refused();

    [Theory]
    [MemberData(nameof(Readable))]
    public void Open_ReadableFixture_MatchesExpectedBitForBit(string version, string name)
    {
        JsonElement entry = ZarrFixtures.Entry(version, "readable", name);
        string array = entry.GetProperty("array").GetString()!;
        ArrayDescription description = ZarrStore.Open(ZarrFixtures.Full(entry.GetProperty("path").GetString()!), array.Length == 0 ? null : array);
        using var chunks = description.Chunks!;

        byte[] expected = ZarrFixtures.ExpectedLittleEndian(entry.GetProperty("expected").GetString()!, out ElementType type, out long[] shape);
        Assert.Equal(-1, description.DataOffset);
        Assert.Equal(type, description.Type);
        Assert.Equal(shape, description.Shape);
        Assert.StartsWith($"zarr {version}", description.Format, StringComparison.Ordinal);
        byte[] actual = ZarrFixtures.Materialize(chunks);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}: first difference at byte {expected.AsSpan().CommonPrefixLength(actual)}");
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Open_RefusedFixture_NamesPathKeyAndFeature(string version, string name)
    {
        JsonElement entry = ZarrFixtures.Entry(version, "refused", name);
        string path = ZarrFixtures.Full(entry.GetProperty("path").GetString()!);
        NotSupportedException ex = Assert.Throws<NotSupportedException>(() => ZarrStore.Open(path, null));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        foreach (JsonElement word in entry.GetProperty("message").EnumerateArray())
        {
            Assert.Contains(word.GetString()!, ex.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("v2/group.zarr", "a,b,grp/x")]
    [InlineData("v3/group.zarr", "a,b,sub/x")]
    [InlineData("v2/group_one.zarr", "sub/only")]
    [InlineData("v2/default.zarr", "")]
    [InlineData("v3/shard_end.zarr", "")]
    public void ListArrays_Store_ListsArraysSorted(string store, string expected)
    {
        Assert.Equal(expected.Split(','), ZarrStore.ListArrays(ZarrFixtures.Full(store)));
    }

    [Theory]
    [InlineData("v2/group.zarr")]
    [InlineData("v3/group.zarr")]
    public void Open_GroupWithoutArrayName_ListsTheArrays(string store)
    {
        string path = ZarrFixtures.Full(store);
        ArgumentException ex = Assert.Throws<ArgumentException>(() => ZarrStore.Open(path, null));
        Assert.Contains($"{path}: source.dataset: expected one of a, b, ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("found none", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GroupHoldingOneArray_OpensItWithoutAName()
    {
        ArrayDescription d = ZarrStore.Open(ZarrFixtures.Full("v2/group_one.zarr"), null);
        using var chunks = d.Chunks!;
        Assert.Equal("sub/only", chunks.Name);
        Assert.Equal([9L, 2L], d.Shape);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("grp")]
    [InlineData("../default.zarr")]
    [InlineData("grp/../a")]
    public void Open_UnknownOrEscapingArrayName_RefusedListingTheArrays(string name)
    {
        string path = ZarrFixtures.Full("v2/group.zarr");
        ArgumentException ex = Assert.Throws<ArgumentException>(() => ZarrStore.Open(path, name));
        Assert.Contains($"{path}: source.dataset: expected ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ArrayPathWithAName_Refused()
    {
        string path = ZarrFixtures.Full("v2/default.zarr");
        ArgumentException ex = Assert.Throws<ArgumentException>(() => ZarrStore.Open(path, "x"));
        Assert.Contains("the directory is one array", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v2/default.zarr", true)]
    [InlineData("v2/group.zarr", true)]
    [InlineData("v3/bytes_le.zarr", true)]
    [InlineData("v2", false)]
    [InlineData("v2/default.npy", false)]
    [InlineData("v2/no_such.zarr", false)]
    public void IsZarr_Path_DetectsStores(string relative, bool expected)
    {
        Assert.Equal(expected, ZarrStore.IsZarr(ZarrFixtures.Full(relative)));
    }

    [Fact]
    public void Open_MissingDirectory_DirectoryNotFound()
    {
        Assert.Throws<DirectoryNotFoundException>(() => ZarrStore.Open(ZarrFixtures.Full("v2/no_such.zarr"), null));
    }

    [Theory]
    [InlineData("v2/default.zarr", "zarr v2 (16, 40) blosc(lz4,5,shuffle)")]
    [InlineData("v2/none.zarr", "zarr v2 (16, 40) none")]
    [InlineData("v3/gzip_crc32c.zarr", "zarr v3 (16, 24) gzip(1)+crc32c")]
    [InlineData("v3/shard_end.zarr", "zarr v3 (16, 12) sharding((4, 6) blosc(lz4,5,shuffle), index end)")]
    public void Open_Fixture_DescribesFormatAndCodecs(string store, string format)
    {
        ArrayDescription d = ZarrStore.Open(ZarrFixtures.Full(store), null);
        using var chunks = d.Chunks!;
        Assert.Equal(format, d.Format);
    }

    [Fact]
    public void Open_Sharded_ChunksAreInnerChunksAndIndexesAreCached()
    {
        ArrayDescription d = ZarrStore.Open(ZarrFixtures.Full("v3/shard_end.zarr"), null);
        var chunks = (ZarrArray)d.Chunks!;
        using (chunks)
        {
            Assert.Equal([4, 6], chunks.ChunkShape);
            Assert.Equal([10L, 4L], chunks.GridShape);
            byte[] buffer = new byte[chunks.ChunkBytes];
            Assert.True(chunks.TryReadChunk([0L, 0L], buffer));
            Assert.True(chunks.TryReadChunk([1L, 0L], buffer)); // same shard: its index is reused
            Assert.False(chunks.TryReadChunk([1L, 1L], buffer)); // inner chunk omitted from the shard
            Assert.False(chunks.TryReadChunk([0L, 2L], buffer)); // shard (0, 1) never written
            Assert.Equal(1, chunks.Indexes.Count);
            Assert.Equal(2 * 4 * 2 * sizeof(ulong), chunks.Indexes.Bytes);
        }
    }

    [Fact]
    public void TryReadChunk_MissingChunk_ReturnsFalseAndLeavesDestination()
    {
        ArrayDescription d = ZarrStore.Open(ZarrFixtures.Full("v2/fill_nan.zarr"), null);
        using var chunks = d.Chunks!;
        byte[] buffer = new byte[chunks.ChunkBytes];
        buffer.AsSpan().Fill(0xAB);
        Assert.False(chunks.TryReadChunk([0L, 0L], buffer));
        Assert.All(buffer, b => Assert.Equal(0xAB, b));
        Assert.Equal(BitConverter.GetBytes(0x7FF8000000000000UL), chunks.FillValue); // numpy's NaN, not .NET's negative one
    }

    [Fact]
    public void TryReadChunk_OutsideTheGrid_Throws()
    {
        ArrayDescription d = ZarrStore.Open(ZarrFixtures.Full("v2/default.zarr"), null);
        using var chunks = d.Chunks!;
        byte[] buffer = new byte[chunks.ChunkBytes];
        Assert.Throws<ArgumentOutOfRangeException>(() => chunks.TryReadChunk([4L, 0L], buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => chunks.TryReadChunk([-1L, 0L], buffer));
        Assert.Throws<ArgumentException>(() => chunks.TryReadChunk([0L], buffer));
    }

    [Theory]
    [InlineData("v2/blosc_split_blocks.zarr")]
    [InlineData("v2/two_axes.zarr")]
    [InlineData("v3/shard_end.zarr")]
    public void TryReadChunk_FourThreads_DecodeIdenticalBytes(string store)
    {
        ArrayDescription d = ZarrStore.Open(ZarrFixtures.Full(store), null);
        using var chunks = d.Chunks!;
        long count = 1;
        foreach (long g in chunks.GridShape)
        {
            count *= g;
        }

        byte[][] reference = new byte[count][];
        for (long c = 0; c < count; c++)
        {
            reference[c] = new byte[chunks.ChunkBytes];
            chunks.TryReadChunk(Position(chunks.GridShape, c), reference[c]);
        }

        int mismatches = 0;
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            int offset = t;
            threads[t] = new Thread(() =>
            {
                byte[] buffer = new byte[chunks.ChunkBytes];
                for (int round = 0; round < 20; round++)
                {
                    for (long c = 0; c < count; c++)
                    {
                        long chunk = (c + offset) % count;
                        Array.Clear(buffer);
                        chunks.TryReadChunk(Position(chunks.GridShape, chunk), buffer);
                        if (!buffer.AsSpan().SequenceEqual(reference[chunk]))
                        {
                            Interlocked.Increment(ref mismatches);
                        }
                    }
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(0, mismatches);
    }

    private static long[] Position(long[] grid, long linear)
    {
        var p = new long[grid.Length];
        for (int i = grid.Length - 1; i >= 0; i--)
        {
            p[i] = linear % grid[i];
            linear /= grid[i];
        }

        return p;
    }
}
