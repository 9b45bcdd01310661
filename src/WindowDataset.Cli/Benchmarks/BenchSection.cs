namespace WindowDataset.Cli.Benchmarks;

/// <summary>The optional <c>bench</c> section of a config file (next to <c>loader</c>); command-line options override it.</summary>
internal sealed class BenchSection
{
    /// <summary>Windows per run (the loader's windowsPerEpoch).</summary>
    public long? Count { get; set; }

    /// <summary>pread, mmap or both.</summary>
    public string? Io { get; set; }

    /// <summary>warm, cold or both.</summary>
    public string? Cache { get; set; }

    /// <summary>Runs per configuration (the median is reported).</summary>
    public int? Repeat { get; set; }

    /// <summary>Simulated consumer step per batch, in milliseconds.</summary>
    public double? StepMs { get; set; }

    /// <summary>sleep or spin.</summary>
    public string? StepMode { get; set; }

    /// <summary>Any of pread, pread-mt, madvise, memcpy; empty for none.</summary>
    public IList<string>? Baselines { get; set; }
}
