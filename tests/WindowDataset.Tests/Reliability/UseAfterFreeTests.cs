using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability;

/// <summary>A disposed batch's memory is never read: every accessor refuses, and views taken earlier fail once the buffer is freed.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class UseAfterFreeTests : IDisposable
{
    private const int Cols = 3;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Batch_Disposed_EveryAccessorThrowsObjectDisposed()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, Cols);
        WindowLoaderOptions options = TestArrays.Options(path);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        using var loader = new WindowLoader(options);
        using IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(e.MoveNext());
        WindowBatch batch = e.Current;
        Assert.True(batch.HasTarget);
        batch.Dispose();

        Assert.Throws<ObjectDisposedException>(() => batch.Data.Length);
        Assert.Throws<ObjectDisposedException>(() => batch.Memory.Length);
        Assert.Throws<ObjectDisposedException>(() => batch.Pointer);
        Assert.Throws<ObjectDisposedException>(() => batch.Buffer);
        Assert.Throws<ObjectDisposedException>(() => batch.Starts.Length);
        Assert.Throws<ObjectDisposedException>(() => batch.GetData<double>().Length);
        Assert.Throws<ObjectDisposedException>(() => batch.TargetData.Length);
        Assert.Throws<ObjectDisposedException>(() => batch.TargetBuffer);
        Assert.Throws<ObjectDisposedException>(() => batch.GetTargetData<double>().Length);

        // Metadata that does not touch the buffer stays readable.
        Assert.Equal(0, batch.Index);
        Assert.Equal(8, batch.Count);
    }

    [Fact]
    public void Memory_TakenBeforeDisposeAndReadAfterTheLoaderFreedIt_ThrowsInsteadOfReadingFreedMemory()
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 100, Cols);
        var loader = new WindowLoader(TestArrays.Options(path)); // default native allocator
        Memory<byte> view;
        using (IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator())
        {
            Assert.True(e.MoveNext());
            view = e.Current.Memory;
            Assert.Equal(TestArrays.ExpectedWindow(e.Current.Starts[0], 4, Cols), ReliabilityChecks.AsDoubles(view.Span[..(4 * Cols * 8)]));
        }

        loader.Dispose(); // every buffer freed
        Assert.Throws<ObjectDisposedException>(() => view.Span.Length);
    }
}
