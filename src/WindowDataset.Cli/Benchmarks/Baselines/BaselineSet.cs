namespace WindowDataset.Cli.Benchmarks.Baselines;

/// <summary>The reference methods a bench runs besides the loader.</summary>
[Flags]
internal enum BaselineSet
{
    None = 0,
    Pread = 1,
    PreadThreads = 2,
    Madvise = 4,
    Memcpy = 8,
    All = Pread | PreadThreads | Madvise | Memcpy,
}
