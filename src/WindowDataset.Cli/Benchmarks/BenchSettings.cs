using WindowDataset.Cli.Benchmarks.Baselines;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>Everything one bench invocation does, resolved from the config file and the command line.</summary>
internal sealed class BenchSettings
{
    public required WindowLoaderOptions Options { get; init; }

    public required IReadOnlyList<IoMode> IoModes { get; init; }

    /// <summary>false: warm, true: cold; in this order.</summary>
    public required IReadOnlyList<bool> CacheModes { get; init; }

    public int Repeat { get; init; } = 1;

    public double StepMs { get; init; }

    public bool StepSpin { get; init; }

    public BaselineSet Baselines { get; init; } = BaselineSet.All;

    public bool Json { get; init; }

    /// <summary>The sampler and coalescing settings to measure, in order (each on every io x cache); the first is the options' own.</summary>
    public IReadOnlyList<BenchVariant> Variants { get; init; } = [];

    /// <summary>Measure the machine's ceilings (memory copy, sequential and random reads) once per io x cache.</summary>
    public bool Ceilings { get; init; } = true;

    /// <summary>Where to write the starts the methods read (one per line), or null.</summary>
    public string? StartsOut { get; init; }
}
