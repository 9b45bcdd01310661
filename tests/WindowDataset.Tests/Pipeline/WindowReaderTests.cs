using System.Runtime.InteropServices;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

public sealed class WindowReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void GetStart_Stride_EveryStrideThValidStartInFileOrder()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 50, 2);
        WindowLoaderOptions options = TestArrays.Options(path, window: 5);
        options.Stride = 3;
        options.Sampler = SamplerKind.Uniform; // ignored by the reader
        using var reader = new WindowReader(options);
        Assert.Equal(46, reader.ValidStarts);
        Assert.Equal(16, reader.Count); // 0, 3, ..., 45
        for (long i = 0; i < reader.Count; i++)
        {
            Assert.Equal(i * 3, reader.GetStart(i));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.GetStart(reader.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.GetStart(-1));
    }

    [Fact]
    public void GetStart_ShardsAndExplicitStarts_FollowTheStartsList()
    {
        string a = TestArrays.WriteNpyShard(_dir.File("p0.npy"), 0, 10, 2);
        string b = TestArrays.WriteNpyShard(_dir.File("p1.npy"), 10, 10, 2);
        var options = new WindowLoaderOptions { Source = SourceOptions.FromPaths(a, b), Window = 4, Starts = [12, 0, 16] };
        using var reader = new WindowReader(options);
        Assert.Equal(3, reader.Count);
        Assert.Equal([12L, 0L, 16L], [reader.GetStart(0), reader.GetStart(1), reader.GetStart(2)]);
    }

    [Theory]
    [InlineData(IoMode.Pread)]
    [InlineData(IoMode.Mmap)]
    public void ReadWindow_Float32Output_EqualsTheLoadersBatchForTheSameStart(IoMode io)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 64, 3);
        WindowLoaderOptions options = TestArrays.Options(path, window: 6, batch: 5);
        options.OutputType = ElementType.Float32;
        options.Io = io;
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        using var reader = new WindowReader(options);
        using var loader = new WindowLoader(options);
        byte[] window = new byte[reader.WindowBytes];
        byte[] target = new byte[reader.TargetBytes];
        foreach (WindowBatch batch in loader.Read(ReadRange.ForBatches(0, 0, 2)))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                reader.ReadWindow(batch.Starts[i], window);
                Assert.Equal(batch.Data.Slice(i * window.Length, window.Length).ToArray(), window);
                reader.ReadTarget(batch.Starts[i], target);
                Assert.Equal(batch.TargetData.Slice(i * target.Length, target.Length).ToArray(), target);
            }
        }

        reader.ReadWindow(10, window);
        double[] expected = TestArrays.ExpectedWindow(10, 6, 3);
        Assert.Equal(Array.ConvertAll(expected, v => (float)v), MemoryMarshal.Cast<byte, float>(window).ToArray());
    }

    [Fact]
    public void ReadWindow_BadArguments_ClearExceptions()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 20, 2);
        using var reader = new WindowReader(TestArrays.Options(path, window: 4));
        var shortBuffer = Assert.Throws<ArgumentException>(() => reader.ReadWindow(0, new byte[reader.WindowBytes - 1]));
        Assert.Contains($"expected at least {reader.WindowBytes} bytes", shortBuffer.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadWindow(17, new byte[reader.WindowBytes]));
        var noTarget = Assert.Throws<InvalidOperationException>(() => reader.ReadTarget(0, new byte[64]));
        Assert.Contains("target.kind", noTarget.Message);
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.ReadWindow(0, new byte[reader.WindowBytes]));
    }

    [Fact]
    public void ReadTarget_FileTargetWithAStartOutsideTheArray_ThrowsArgumentOutOfRange()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 30, 2);
        string labels = TestArrays.WriteNpy(_dir.File("labels.npy"), 30, 1);
        WindowLoaderOptions options = TestArrays.Options(path, window: 4);
        options.Target = new TargetOptions { Kind = TargetKind.File, Offset = -5, Source = SourceOptions.FromPaths(labels) };
        using var reader = new WindowReader(options);
        byte[] label = new byte[reader.TargetBytes];
        reader.ReadTarget(2, label); // label row 2 + 3 - 5 = 0
        Assert.Equal(TestArrays.Value(0, 0), BitConverter.ToDouble(label));
        var early = Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadTarget(1, label)); // label row -1
        Assert.Contains("found -1", early.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadTarget(-3, label));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadTarget(27, label)); // the window runs past the end
    }
}
