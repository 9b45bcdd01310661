using WindowDataset.Cli.Benchmarks.Baselines;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>One measured configuration (io x cache) and what the loader resolved for it.</summary>
internal sealed record BenchConfiguration
{
    public required IoMode Io { get; init; }

    public required bool Cold { get; init; }

    public required PageCachePolicy PageCache { get; init; }

    public required ElementType OutputType { get; init; }

    public required ElementType FileType { get; init; }

    /// <summary>The file stores big-endian elements (the loader delivers them swapped: raw ranged GETs are not comparable).</summary>
    public bool FileBigEndian { get; init; }

    public required int Window { get; init; }

    public required int BatchSize { get; init; }

    public required int Workers { get; init; }

    public required int BufferCount { get; init; }

    public required long BatchBytes { get; init; }

    public required long MemoryBudget { get; init; }

    /// <summary>Bytes of one window in the output type.</summary>
    public required long WindowBytes { get; init; }

    public required double StepMs { get; init; }

    public required bool StepSpin { get; init; }

    public required int Repeat { get; init; }

    public required WindowPlan Plan { get; init; }

    public required BaselineSet Baselines { get; init; }

    /// <summary>A single flat object by URL: the ranged-GET baselines run.</summary>
    public bool RemoteBaselines { get; init; }

    /// <summary>The sampler, stride and coalescing measured.</summary>
    public required BenchVariant Variant { get; init; }

    /// <summary>The loader delivers sequential batches as strided views.</summary>
    public bool StridedWindows { get; init; }

    /// <summary>The machine's ceilings measured for this io x cache; null with --ceilings off.</summary>
    public MachineCeilings? Ceilings { get; init; }

    public required long Rows { get; init; }

    public required long FileBytes { get; init; }
}
