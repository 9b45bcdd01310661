using BenchmarkDotNet.Attributes;
using WindowDataset.Memory;
using WindowDataset.Pipeline;
using WindowDataset.Sampling;
using WindowDataset.Sources;
using WindowDataset.Synthetic;

namespace WindowDataset.Benchmarks;

/// <summary>
/// Gathering one batch of 64 random 16 x 2000 float64 windows (16 MB) from a cached 256 MB file into a batch buffer,
/// per read path and output type, on one thread: the per-worker kernel of the loader.
/// </summary>
public class GatherBenchmarks : IDisposable
{
    private BenchFiles? _files;
    private BatchGatherer? _gatherer;
    private BatchSlot? _slot;
    private IBatchMemory? _input;
    private byte[] _scratch = [];

    [Params(IoMode.Pread, IoMode.Mmap)]
    public IoMode Io { get; set; }

    [Params(ElementType.Float64, ElementType.Float32)]
    public ElementType Output { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _files = BenchFiles.Shards(1, 8_000, 2000);
        StartIndex index = StartIndex.Build(_files.Source, 16, null, 0);
        var sampler = new WindowSampler(index, SamplerKind.Uniform, 1, 1, 64 * 1000, 64, false, 0, 1);
        RowReader reader = RowReader.Create(_files.Source, Output, Io, PageCachePolicy.Default);
        long windowBytes = 16L * 2000 * ElementTypeInfo.SizeOf(Output);
        var layout = new BatchLayout(64, 16, [2000], Output, windowBytes, null, Output, 0);
        _gatherer = new BatchGatherer(sampler, reader, null, layout, new TargetOptions());
        _input = NativeBatchAllocator.Shared.Allocate(new BatchBufferRequest(BatchBufferRole.Input, Output, [64, 16, 2000], 64 * windowBytes));
        _slot = new BatchSlot(_input, null, 64);
        _scratch = new byte[_gatherer.ScratchBytes];
        _gatherer.Prepare(_slot, 0, 0);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _input?.Dispose();
        _files?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public void GatherBatch() => _gatherer!.Gather(_slot!, _scratch, uncached: false, CancellationToken.None);
}

/// <summary>Temporary .npy shards for the benchmarks, deleted on dispose.</summary>
internal sealed class BenchFiles : IDisposable
{
    private readonly string _dir;

    private BenchFiles(string dir, ArraySource source)
    {
        _dir = dir;
        Source = source;
    }

    public ArraySource Source { get; }

    public static BenchFiles Shards(int shards, long rows, int cols)
    {
        string dir = Path.Combine(Path.GetTempPath(), "windowds-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var paths = new string[shards];
        for (int i = 0; i < shards; i++)
        {
            paths[i] = Path.Combine(dir, $"part-{i:D3}.npy");
            SyntheticData.WriteNpy(paths[i], rows, cols, ElementType.Float64, SignalKind.Random, (ulong)i);
        }

        return new BenchFiles(dir, ArraySource.Open(SourceOptions.FromPaths(paths)));
    }

    public void Dispose()
    {
        Source.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
