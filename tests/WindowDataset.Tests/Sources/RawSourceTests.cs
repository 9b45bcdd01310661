using System.Runtime.InteropServices;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Sources;

/// <summary>Raw binary sources: described in code, sized exactly, refused clearly when the description does not fit the file.</summary>
public sealed class RawSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(IoMode.Pread, null, 24)]
    [InlineData(IoMode.Mmap, null, 24)]
    [InlineData(IoMode.Pread, 37L, 24)]
    [InlineData(IoMode.Mmap, 37L, 24)]
    [InlineData(IoMode.Pread, null, 3)]
    [InlineData(IoMode.Mmap, 37L, 4099)]
    public void ReadEpoch_RawWithHeaderOffset_WindowsEqualSource(IoMode io, long? rows, int headerBytes)
    {
        string path = TestArrays.WriteRaw(_dir.File("a.bin"), 37, 3, headerBytes: headerBytes);
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Paths = [path], DType = "<f8", RowShape = [3], Rows = rows, HeaderOffset = headerBytes },
            Window = 6,
            BatchSize = 4,
            Sampler = SamplerKind.Sequential,
            Io = io,
            Workers = 2,
        };
        using var loader = new WindowLoader(options);
        Assert.Equal(37, loader.Info.Rows);
        Assert.Equal("raw", loader.Info.Shards[0].Format);
        Assert.Equal(headerBytes, loader.Info.Shards[0].DataOffset);
        int n = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<double> data = batch.GetData<double>();
            for (int i = 0; i < batch.Count; i++, n++)
            {
                Assert.Equal(n, batch.Starts[i]);
                Assert.Equal(TestArrays.ExpectedWindow(n, 6, 3), data.Slice(i * 18, 18).ToArray());
            }
        }

        Assert.Equal(37 - 6 + 1, n);
    }

    [Fact]
    public void ReadEpoch_RawShardsFromGlob_RowsDerivedPerFileAndWindowsStayInside()
    {
        TestArrays.WriteRaw(_dir.File("p-0.bin"), 10, 2, firstRow: 0);
        TestArrays.WriteRaw(_dir.File("p-1.bin"), 7, 2, firstRow: 10);
        TestArrays.WriteRaw(_dir.File("p-2.bin"), 12, 2, firstRow: 17);
        var options = new WindowLoaderOptions
        {
            Source = new SourceOptions { Glob = _dir.File("p-*.bin"), DType = "float64", RowShape = [2] },
            Window = 5,
            BatchSize = 3,
            Sampler = SamplerKind.Permutation,
            Seed = 9,
            Workers = 2,
        };
        using var loader = new WindowLoader(options);
        Assert.Equal([10L, 7L, 12L], loader.Info.Shards.Select(s => s.Rows));
        Assert.Equal((10 - 4) + (7 - 4) + (12 - 4), loader.ValidStarts);
        var seen = new SortedSet<long>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Span<double> data = batch.GetData<double>();
            for (int i = 0; i < batch.Count; i++)
            {
                long s = batch.Starts[i];
                Assert.True(seen.Add(s));
                Assert.Equal(TestArrays.ExpectedWindow(s, 5, 2), data.Slice(i * 10, 10).ToArray());
            }
        }

        long[] expected = [.. Enumerable.Range(0, 6).Select(i => (long)i), .. Enumerable.Range(10, 3).Select(i => (long)i), .. Enumerable.Range(17, 8).Select(i => (long)i)];
        Assert.Equal(expected, seen);
    }

    [Fact]
    public void ReadWindow_RawBigEndianInt32_SwappedOnRead()
    {
        int[] values = [.. Enumerable.Range(0, 40).Select(i => (i * 100_003) - 2_000_000)];
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        }

        string path = _dir.File("be.i4");
        File.WriteAllBytes(path, bytes);
        var options = new WindowLoaderOptions { Source = new SourceOptions { Paths = [path], Format = SourceFormat.Raw, DType = ">i4", RowShape = [4] }, Window = 2, BatchSize = 2, Workers = 1 };
        using var loader = new WindowReader(options);
        Assert.True(loader.Info.BigEndian);
        Assert.Equal(ElementType.Int32, loader.OutputType);
        byte[] window = new byte[loader.WindowBytes];
        loader.ReadWindow(3, window);
        Assert.Equal(values[12..20], MemoryMarshal.Cast<byte, int>(window).ToArray());
    }

    [Theory]
    [InlineData(100, 0, null, "multiple of the row size 24 bytes")]
    [InlineData(96, 0, 5L, "expected 0 + 5 rows x 24 bytes; found 96 bytes, which hold 4 rows")]
    [InlineData(96, 0, 3L, "expected 0 + 3 rows x 24 bytes = 72 bytes; found 96 bytes (24 bytes more)")]
    [InlineData(96, 8, null, "after the 8-byte header")]
    [InlineData(96, 97, null, "headerOffset: expected at most the file size 96")]
    [InlineData(96, 96, null, "at least 1 row")]
    [InlineData(0, 0, null, "at least 1 row")]
    [InlineData(96, 0, 4611686018427387904L, "found 96 bytes")]
    public void Open_RawSizeDoesNotMatch_InvalidDataExceptionNamingFile(int length, long offset, long? rows, string problem)
    {
        string path = _dir.File("r.bin");
        File.WriteAllBytes(path, new byte[length]);
        var source = new SourceOptions { Paths = [path], DType = "float64", RowShape = [3], Rows = rows, HeaderOffset = offset };
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(source));
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "needs source.dtype")]
    [InlineData("complex64", "found 'complex64'")]
    [InlineData("<c8", "found '<c8'")]
    [InlineData("|f8", "found '|f8'")]
    [InlineData("f16", "found 'f16'")]
    [InlineData("", "needs source.dtype")]
    public void Open_RawUnknownDType_ArgumentExceptionListingTheAcceptedTypes(string? dtype, string problem)
    {
        string path = _dir.File("r.bin");
        File.WriteAllBytes(path, new byte[96]);
        var ex = Assert.Throws<ArgumentException>(() => ArrayInfo.Read(new SourceOptions { Paths = [path], DType = dtype }));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 3, -1 })]
    public void Open_RawRowShapeNotPositive_ArgumentOutOfRange(int[] rowShape)
    {
        string path = _dir.File("r.bin");
        File.WriteAllBytes(path, new byte[96]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ArrayInfo.Read(new SourceOptions { Paths = [path], DType = "f8", RowShape = rowShape }));
        Assert.Contains("source.rowShape", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RawRowTooWide_InvalidDataException()
    {
        string path = _dir.File("r.bin");
        File.WriteAllBytes(path, new byte[96]);
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(new SourceOptions { Paths = [path], DType = "f8", RowShape = [int.MaxValue, int.MaxValue, 4] }));
        Assert.Contains("at most 268435456 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1L, 0L, "source.headerOffset")]
    [InlineData(0L, 0L, "source.rows")]
    [InlineData(0L, -4L, "source.rows")]
    public void Open_RawNegativeOrZeroOptions_ArgumentOutOfRangeEvenWithoutLoaderValidation(long offset, long rows, string option)
    {
        string path = _dir.File("r.bin");
        File.WriteAllBytes(path, new byte[96]);
        var source = new SourceOptions { Paths = [path], DType = "f8", RowShape = [3], HeaderOffset = offset, Rows = rows == 0 && offset < 0 ? null : rows };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ArrayInfo.Read(source));
        Assert.Contains(option, ex.Message, StringComparison.Ordinal);

        var loaderEx = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(new WindowLoaderOptions { Source = source, Window = 2 }));
        Assert.Contains(option, loaderEx.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RawRowsGivenForSeveralFiles_ArgumentException()
    {
        string a = TestArrays.WriteRaw(_dir.File("a.bin"), 4, 3);
        string b = TestArrays.WriteRaw(_dir.File("b.bin"), 4, 3);
        var ex = Assert.Throws<ArgumentException>(() => ArrayInfo.Read(new SourceOptions { Paths = [a, b], DType = "f8", RowShape = [3], Rows = 4 }));
        Assert.Contains("source.rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RawShardsOfDifferentRowSize_InvalidDataExceptionNamingTheShard()
    {
        string a = TestArrays.WriteRaw(_dir.File("a.bin"), 4, 3);
        string b = _dir.File("b.bin");
        File.WriteAllBytes(b, new byte[(4 * 24) + 8]);
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(new SourceOptions { Paths = [a, b], DType = "f8", RowShape = [3] }));
        Assert.StartsWith(b + ": ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NpyAndRawShardsOfDifferentDType_InvalidDataException()
    {
        string a = TestArrays.WriteNpy(_dir.File("a.npy"), 4, 3);
        string b = TestArrays.WriteRaw(_dir.File("b.bin"), 8, 3);
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(new SourceOptions { Paths = [a, b], DType = "f4", RowShape = [3] }));
        Assert.Contains(a, ex.Message, StringComparison.Ordinal);
        Assert.Contains(b, ex.Message, StringComparison.Ordinal);
        Assert.Contains("<f4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GlobWithoutMatches_FileNotFoundException()
    {
        string glob = _dir.File("none-*.npy");
        var ex = Assert.Throws<FileNotFoundException>(() => ArrayInfo.Read(new SourceOptions { Glob = glob }));
        Assert.Contains(glob, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GlobInMissingDirectory_DirectoryNotFoundException()
    {
        string glob = Path.Combine(_dir.Path, "nowhere", "*.npy");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => ArrayInfo.Read(new SourceOptions { Glob = glob }));
        Assert.Contains(glob, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ForcedNpyFormatOnRawFile_InvalidDataException()
    {
        string path = TestArrays.WriteRaw(_dir.File("a.bin"), 4, 3);
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(new SourceOptions { Paths = [path], Format = SourceFormat.Npy }));
        Assert.Contains("magic", ex.Message, StringComparison.Ordinal);
    }
}
