using Microsoft.Win32.SafeHandles;
using WindowDataset.Formats;
using WindowDataset.Formats.Hdf5;
using WindowDataset.Tests.Formats.Hdf5.Infrastructure;

namespace WindowDataset.Tests.Formats.Hdf5;

/// <summary>Every dataset h5py wrote reads back bit for bit as h5py read it, whatever the layout, index and filters.</summary>
public sealed class Hdf5ReadTests
{
    public static TheoryData<string, string> Readable => Hdf5Fixtures.ReadableDatasets();

    [Theory]
    [MemberData(nameof(Readable))]
    public void Describe_FixtureDataset_MatchesH5py(string file, string dataset)
    {
        (ElementType type, bool bigEndian, long[] shape, byte[] expected) = Hdf5Fixtures.Expected(Hdf5Fixtures.ExpectedPath(file, dataset)!);
        (ArrayDescription d, byte[] data) = Hdf5Fixtures.ReadAll(Hdf5Fixtures.Full(file), dataset);
        Assert.Equal(type, d.Type);
        Assert.Equal(bigEndian && ElementTypeInfo.SizeOf(type) > 1, d.BigEndian);
        Assert.Equal(shape, d.Shape);
        Assert.True(expected.AsSpan().SequenceEqual(data), $"{file} {dataset} ({d.Format}): bytes differ from h5py's");
    }

    [Fact]
    public void Fixtures_EveryExpectedNpy_IsAListedDataset()
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (object[] row in Readable)
        {
            covered.Add(Hdf5Fixtures.ExpectedPath((string)row[0], (string)row[1])!);
        }

        string[] npys = Directory.GetFiles(Hdf5Fixtures.Root, "*.npy");
        Assert.True(npys.Length >= 50, $"only {npys.Length} fixtures");
        Assert.All(npys, npy => Assert.Contains(npy, covered));
    }

    [Theory]
    [InlineData("contig_f8.h5", "/data", "hdf5 contiguous")]
    [InlineData("types.h5", "/never", "hdf5 contiguous (never written: fill value)")]
    [InlineData("types.h5", "/compact", "hdf5 compact")]
    [InlineData("latest.h5", "/compact", "hdf5 compact")]
    [InlineData("gzip_shuffle.h5", "/data", "hdf5 chunked (64, 6) deflate(1)+shuffle, v1 B-tree")]
    [InlineData("chunked.h5", "/shuffle_fletcher", "fletcher32+shuffle, v1 B-tree")]
    [InlineData("latest.h5", "/btree2_gzip", "(4, 3) fletcher32+deflate(4)+shuffle, v2 B-tree")]
    [InlineData("chunked.h5", "/lzf", "lzf, v1 B-tree")]
    [InlineData("latest.h5", "/single", "none, single chunk")]
    [InlineData("latest.h5", "/single_gzip", "single chunk")]
    [InlineData("latest.h5", "/implicit", "(10, 3) none, implicit")]
    [InlineData("latest.h5", "/fixed", "fixed array")]
    [InlineData("latest.h5", "/fixed_gzip", "fixed array")]
    [InlineData("latest.h5", "/fixed_paged", "fixed array")]
    [InlineData("latest.h5", "/extensible", "extensible array")]
    [InlineData("latest.h5", "/extensible_gzip", "extensible array")]
    [InlineData("latest.h5", "/extensible_axis1", "extensible array")]
    [InlineData("latest.h5", "/btree2", "v2 B-tree")]
    [InlineData("latest.h5", "/btree2_gzip", "v2 B-tree")]
    public void Describe_Layout_NamesLayoutAndIndex(string file, string dataset, string format)
    {
        (ArrayDescription d, _) = Hdf5Fixtures.ReadAll(Hdf5Fixtures.Full(file), dataset);
        Assert.Contains(format, d.Format, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_Contiguous_OffsetIsElementZero()
    {
        string path = Hdf5Fixtures.Full("contig_f8.h5");
        (ArrayDescription d, _) = Hdf5Fixtures.ReadAll(path, null);
        Assert.Null(d.Chunks);
        Assert.True(d.DataOffset > 0);
        Assert.True(d.DataOffset + (300 * 5 * 8) <= new FileInfo(path).Length);
    }

    [Theory]
    [InlineData("contig_f8.h5", 0)]
    [InlineData("v108.h5", 2)]
    [InlineData("latest.h5", 3)]
    public void Open_LibraryVersions_ReadsSuperblockVersion(string file, int version)
    {
        string path = Hdf5Fixtures.Full(file);
        using SafeFileHandle handle = File.OpenHandle(path);
        Assert.Equal(version, Hdf5File.Open(path, handle, RandomAccess.GetLength(handle)).SuperblockVersion);
    }

    [Fact]
    public void Describe_UserBlock_FindsSuperblockAt1024()
    {
        string path = Hdf5Fixtures.Full("userblock.h5");
        (ArrayDescription d, _) = Hdf5Fixtures.ReadAll(path, "/data");
        Assert.True(d.DataOffset >= 1024);
    }

    [Fact]
    public void Describe_FillValue_IsStoredElementBytes()
    {
        (ArrayDescription d, _) = Hdf5Fixtures.ReadAll(Hdf5Fixtures.Full("chunked.h5"), "/fill_be");
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFD }, d.Chunks!.FillValue);
        Assert.True(d.BigEndian);
        var unwritten = new long[] { 0, 0 };
        Assert.False(d.Chunks.TryReadChunk(unwritten, new byte[d.Chunks.ChunkBytes]));
    }

    [Fact]
    public void Describe_ChunksOnBothAxes_GridCoversEdges()
    {
        (ArrayDescription d, _) = Hdf5Fixtures.ReadAll(Hdf5Fixtures.Full("chunked.h5"), "/both_axes");
        Assert.Equal(new long[] { 3, 3 }, d.Chunks!.GridShape);
        Assert.Equal(new[] { 8, 3 }, d.Chunks.ChunkShape);
    }

    [Fact]
    public void Datasets_NestedWithHardLinkCycle_FullPathsEachGroupOnce()
    {
        Assert.Equal(["/grp/sub/x"], Hdf5Fixtures.List(Hdf5Fixtures.Full("nested.h5")));
    }

    [Fact]
    public void Datasets_DenseLatestGroup_ListsAllTwelveInOrdinalOrder()
    {
        IReadOnlyList<string> names = Hdf5Fixtures.List(Hdf5Fixtures.Full("dense.h5"));
        var expected = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            expected.Add($"/grp/d{i:00}");
        }

        expected.Add("/small/y");
        expected.Add("/top");
        Assert.Equal(expected, names);
    }

    [Fact]
    public void Datasets_DenseGroupWithIndirectHeap_FindsHardLinksAmongSoftOnes()
    {
        string path = Hdf5Fixtures.Full("dense_big.h5");
        Assert.Equal(["/many/target", "/many/zz_hard"], Hdf5Fixtures.List(path));
        var ex = Assert.Throws<NotSupportedException>(() => Hdf5Fixtures.ReadAll(path, "/many/soft_link_with_a_rather_long_name_to_fill_the_fractal_heap_01234"));
        Assert.Contains("soft link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Datasets_OldStyleSeveral_ListsEveryType()
    {
        IReadOnlyList<string> names = Hdf5Fixtures.List(Hdf5Fixtures.Full("types.h5"));
        Assert.Equal(15, names.Count);
        Assert.Equal("/be_f8", names[0]);
        Assert.Contains("/u1_3d", names);
    }

    [Fact]
    public void Datasets_SoftAndExternalLinks_SkippedHardLinksListed()
    {
        Assert.Equal(["/data", "/hard"], Hdf5Fixtures.List(Hdf5Fixtures.Full("links.h5")));
        (_, byte[] viaHard) = Hdf5Fixtures.ReadAll(Hdf5Fixtures.Full("links.h5"), "/hard");
        (_, byte[] viaData) = Hdf5Fixtures.ReadAll(Hdf5Fixtures.Full("links.h5"), "data");
        Assert.Equal(viaData, viaHard);
    }

    [Theory]
    [InlineData("/soft", "soft link")]
    [InlineData("/external", "external link")]
    public void Describe_NamedNonHardLink_NotSupportedNamesKind(string dataset, string kind)
    {
        string path = Hdf5Fixtures.Full("links.h5");
        var ex = Assert.Throws<NotSupportedException>(() => Hdf5Fixtures.ReadAll(path, dataset));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(dataset, ex.Message, StringComparison.Ordinal);
        Assert.Contains(kind, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NoNameSeveralDatasets_ListsThem()
    {
        string path = Hdf5Fixtures.Full("links.h5");
        var ex = Assert.Throws<ArgumentException>(() => Hdf5Fixtures.ReadAll(path, null));
        Assert.StartsWith($"{path}: source.dataset: expected one of /data, /hard (the file holds 2 datasets); found none.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_UnknownName_ListsDatasets()
    {
        string path = Hdf5Fixtures.Full("nested.h5");
        var ex = Assert.Throws<ArgumentException>(() => Hdf5Fixtures.ReadAll(path, "/nope"));
        Assert.Contains("expected one of /grp/sub/x (the file holds 1 datasets); found '/nope'.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/scaleoffset", "scale-offset")]
    [InlineData("/nbit", "n-bit")]
    [InlineData("/szip", "szip")]
    [InlineData("/external", "external data files")]
    [InlineData("/compound", "compound datatype")]
    [InlineData("/string", "string datatype")]
    [InlineData("/vlen", "variable-length string")]
    [InlineData("/vlen_int", "variable-length sequence")]
    [InlineData("/scalar", "scalar dataspace")]
    [InlineData("/array_type", "array datatype")]
    public void Describe_UnsupportedFeature_NotSupportedNamesFileDatasetFeature(string dataset, string feature)
    {
        string path = Hdf5Fixtures.Full("refuse.h5");
        var ex = Assert.Throws<NotSupportedException>(() => Hdf5Fixtures.ReadAll(path, dataset));
        Assert.StartsWith($"{path}: {dataset}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(feature, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_Virtual_NotSupported()
    {
        string path = Hdf5Fixtures.Full("virtual.h5");
        var ex = Assert.Throws<NotSupportedException>(() => Hdf5Fixtures.ReadAll(path, "/virtual"));
        Assert.StartsWith($"{path}: /virtual: virtual dataset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadChunk_FourThreads_SameBytesAsOneThread()
    {
        string path = Hdf5Fixtures.Full("chunked.h5");
        using SafeFileHandle handle = File.OpenHandle(path);
        Hdf5File file = Hdf5File.Open(path, handle, RandomAccess.GetLength(handle));
        var arrays = new[] { file.Describe("/many").Chunks!, file.Describe("/gzip").Chunks!, file.Describe("/lzf").Chunks!, file.Describe("/shuffle_fletcher").Chunks! };
        var reference = new List<byte[]>[arrays.Length];
        for (int a = 0; a < arrays.Length; a++)
        {
            reference[a] = [];
            for (long r = 0; r < arrays[a].GridShape[0]; r++)
            {
                byte[] chunk = new byte[arrays[a].ChunkBytes];
                Assert.True(arrays[a].TryReadChunk([r, 0], chunk));
                reference[a].Add(chunk);
            }
        }

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            int seed = t;
            threads[t] = new Thread(() =>
            {
                var rng = new Random(seed);
                for (int i = 0; i < 400; i++)
                {
                    int a = rng.Next(arrays.Length);
                    long r = rng.Next((int)arrays[a].GridShape[0]);
                    byte[] chunk = new byte[arrays[a].ChunkBytes];
                    if (!arrays[a].TryReadChunk([r, 0], chunk) || !chunk.AsSpan().SequenceEqual(reference[a][(int)r]))
                    {
                        failures.Add($"{arrays[a].Describe([r, 0])} differs");
                    }
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(failures);
    }
}
