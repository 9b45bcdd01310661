using System.Text.Json;
using System.Text.Json.Serialization;
using WindowDataset.Configuration;
using WindowDataset.Distributed;

namespace WindowDataset;

/// <summary>
/// Everything a <see cref="WindowLoader"/> needs: the source, the window and batch shape, the sampler, the
/// workers and the memory budget. Validated once when the loader is created (or by <see cref="Validate"/>).
/// Property names in JSON configs are the camelCase forms of these names.
/// </summary>
public sealed class WindowLoaderOptions
{
    /// <summary>The input array.</summary>
    public SourceOptions Source { get; set; } = new();

    /// <summary>Rows per window (W). Default 16.</summary>
    public int Window { get; set; } = 16;

    /// <summary>Windows per batch (B). Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>How starts are chosen. Default <see cref="SamplerKind.Permutation"/>.</summary>
    public SamplerKind Sampler { get; set; } = SamplerKind.Permutation;

    /// <summary><see cref="SamplerKind.Sequential"/> only: distance between consecutive starts. Default 1.</summary>
    public long Stride { get; set; } = 1;

    /// <summary>
    /// Windows in one epoch, before the split between ranks. Null: all valid starts (permutation, uniform), or
    /// every stride-th start (sequential).
    /// </summary>
    public long? WindowsPerEpoch { get; set; }

    /// <summary>
    /// Explicit window starts (global rows), used in this order instead of the sampler; each must leave room for
    /// the window (and target) inside its shard. Null: use <see cref="Sampler"/>.
    /// </summary>
    public IList<long>? Starts { get; set; }

    /// <summary>Drop the last batch of an epoch when it has fewer than <see cref="BatchSize"/> windows.</summary>
    public bool DropLast { get; set; }

    /// <summary>Seed of the sampler. The batch stream is a pure function of (options, seed, epoch, rank, worldSize).</summary>
    public ulong Seed { get; set; }

    /// <summary>
    /// This process's rank in data-parallel training. Null: from the launcher's environment, the first complete
    /// pair of <c>RANK</c>/<c>WORLD_SIZE</c> (torchrun), <c>OMPI_COMM_WORLD_RANK</c>/<c>OMPI_COMM_WORLD_SIZE</c>
    /// (Open MPI), <c>PMI_RANK</c>/<c>PMI_SIZE</c> (MPICH, Intel MPI), <c>SLURM_PROCID</c>/<c>SLURM_NTASKS</c>
    /// (Slurm), else <c>JOB_COMPLETION_INDEX</c> (Kubernetes Indexed Job, with <see cref="WorldSize"/> set), else 0.
    /// <see cref="WindowLoader.RankSource"/> says which.
    /// </summary>
    public int? Rank { get; set; }

    /// <summary>Number of data-parallel processes. Null: from the launcher's environment (see <see cref="Rank"/>), else 1.</summary>
    public int? WorldSize { get; set; }

    /// <summary>What ranks do with an epoch's windows that do not divide evenly among them. Default <see cref="WindowDataset.EvenRanks.Drop"/>.</summary>
    public EvenRanks EvenRanks { get; set; } = EvenRanks.Drop;

    /// <summary>
    /// Background worker threads: a fixed count (<c>Workers = 4</c>), or <see cref="WorkerCount.Auto"/> (JSON
    /// <c>"auto"</c>): up to <see cref="MaxWorkers"/> threads, of which the loader keeps active as few as keep the
    /// consumer's data wait under 1%. Null: <see cref="Environment.ProcessorCount"/> fixed workers, at least 2.
    /// </summary>
    public WorkerCount? Workers { get; set; }

    /// <summary>With <see cref="WorkerCount.Auto"/> workers: the threads started (the most that can be active). Null: <see cref="Environment.ProcessorCount"/>, at least 2.</summary>
    public int? MaxWorkers { get; set; }

    /// <summary>Batches prepared ahead of the consumer. Null: twice the worker count. The memory budget caps it.</summary>
    public int? Prefetch { get; set; }

    /// <summary>
    /// Upper bound, in bytes, of all the buffers the loader holds: batch buffers, target buffers, per-worker scratch
    /// and, for chunked sources, the decoded-chunk cache (<see cref="ChunkCache"/>) and the decoders' buffers (two per worker).
    /// Buffers = min(floor(what is left / batch bytes), prefetch + 1), at least 2. Default 1 GiB.
    /// </summary>
    [JsonConverter(typeof(ByteSizeConverter))]
    public long MemoryBudget { get; set; } = 1L << 30;

    /// <summary>How sources given by URL (<c>s3://</c>, <c>az://</c>, <c>https://</c>) are read; its RAM cache is part of <see cref="MemoryBudget"/>.</summary>
    public RemoteOptions Remote { get; set; } = new();

    /// <summary>Chunk-aware shuffling (permutation sampler only). Null: a plain permutation of all starts.</summary>
    public ShuffleBlockOptions? ShuffleBlock { get; set; }

    /// <summary>
    /// Bytes for decoded chunks of chunked sources (HDF5 chunked/compact, Zarr), part of <see cref="MemoryBudget"/>.
    /// Null: whatever the batch buffers leave of the budget. Ignored for flat sources (<c>.npy</c>, raw, contiguous HDF5).
    /// </summary>
    [JsonConverter(typeof(ByteSizeConverter))]
    public long? ChunkCache { get; set; }

    /// <summary>Element type of the batches. Null: the file's. Conversions use round-to-nearest (float32 from float64 as numpy's <c>astype</c>).</summary>
    public ElementType? OutputType { get; set; }

    /// <summary>Read path. Default <see cref="IoMode.Pread"/> (as fast as mmap when cached and safe against truncation).</summary>
    public IoMode Io { get; set; } = IoMode.Pread;

    /// <summary>Batches ahead of the one being gathered whose windows are announced to the kernel (<c>WILLNEED</c>), so cold reads overlap. Default 2; 0 disables.</summary>
    public int ReadAhead { get; set; } = 2;

    /// <summary>What to do about the page cache. Default <see cref="PageCachePolicy.Default"/>.</summary>
    public PageCachePolicy PageCache { get; set; } = PageCachePolicy.Default;

    /// <summary>What to do about NaN and infinite input values. Default <see cref="MissingValues.Keep"/>.</summary>
    public MissingValues Missing { get; set; } = MissingValues.Keep;

    /// <summary><see cref="MissingValues.Fill"/>: the value that replaces a missing one. Null: the element's mean from the statistics file.</summary>
    public double? FillValue { get; set; }

    /// <summary>
    /// Read each batch's windows in file order and merge those that overlap or abut in a shard into one read, so a
    /// row shared by windows of a batch is read once (sliding windows, dense arrays). Default true; false reads
    /// every window on its own (for measurement).
    /// </summary>
    public bool Coalesce { get; set; } = true;

    /// <summary>
    /// <see cref="SamplerKind.Sequential"/> with <see cref="Stride"/> below <see cref="Window"/>: deliver each batch
    /// of one shard as a zero-copy strided view over the run of rows its windows cover
    /// (<see cref="WindowBatch.IsStrided"/>, <see cref="WindowBatch.GetWindow"/>) instead of copying every window
    /// into (B, W, *row) layout. The input buffers grow to hold the run. Default false.
    /// </summary>
    public bool StridedWindows { get; set; }

    /// <summary>Per-element normalization from a statistics file, fused into the conversion (inputs and <c>next</c> targets, not <c>file</c> labels). Null: none.</summary>
    public NormalizeOptions? Normalize { get; set; }

    /// <summary>The target that comes with each window, if any.</summary>
    public TargetOptions Target { get; set; } = new();

    /// <summary>
    /// Several datasets mixed by weight, instead of <see cref="Source"/> (which must then have no paths): each epoch
    /// takes from component c its share (weight over the sum of weights, rounded by largest remainder) of the
    /// epoch's windows, interleaved in a seeded order. Null: the single <see cref="Source"/>.
    /// </summary>
    public IList<MixtureComponent>? Mixture { get; set; }

    /// <summary>Global rows that windows and their targets (next rows, or a file target's label row) may use. Null: all rows.</summary>
    public RowRange? Rows { get; set; }

    /// <summary>Named non-overlapping ranges of the rows (of <see cref="Rows"/> when set); <see cref="Use"/> picks one. Null: no split.</summary>
    [JsonConverter(typeof(SplitOptionsConverter))]
    public SplitOptions? Split { get; set; }

    /// <summary>The name of the <see cref="Split"/> range this loader reads; required with a split.</summary>
    public string? Use { get; set; }

    /// <summary>Rows between consecutive window rows: a window takes rows i, i + d, ..., i + (W - 1) * d. Default 1.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>
    /// Several aligned arrays read at the same window rows, instead of <see cref="Source"/> (which must then have no
    /// paths or glob): every input has the same total row count, and windows never cross a shard boundary of any of
    /// them. Input 0 is the batch's <see cref="WindowBatch.Data"/>. Null: the single <see cref="Source"/>.
    /// </summary>
    public IList<InputOptions>? Inputs { get; set; }

    /// <summary>
    /// With <see cref="Inputs"/>: deliver one buffer whose rows are the inputs' rows side by side (input 0's elements,
    /// then input 1's...), shape (B, W, sum of row elements), all in one output type. Default false: one buffer per input.
    /// </summary>
    public bool Concat { get; set; }

    /// <summary>Reads options from a JSON config file (the whole file, or its <c>loader</c> section when it has one); relative paths are relative to the file's folder.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON, has unknown keys, wrong types or invalid values; the message names the file and the key's JSON path.</exception>
    public static WindowLoaderOptions LoadFile(string path) => ConfigBinder.LoadLoaderOptions(path);

    /// <summary>
    /// Binds options from a JSON object (for applications whose config files hold a loader section among others).
    /// Relative paths are resolved against <paramref name="baseDirectory"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">Unknown keys, wrong types or invalid values (the rules of <see cref="Validate"/>, and every path must name an existing file); the message names <paramref name="sourceName"/> and the JSON path.</exception>
    public static WindowLoaderOptions FromJson(JsonElement element, string sourceName, string jsonPath = "$", string? baseDirectory = null) =>
        ConfigBinder.Bind(element, sourceName, jsonPath, baseDirectory);

    /// <summary>A deep copy: changing the copy (or its source, target and lists) never changes this instance.</summary>
    public WindowLoaderOptions Clone()
    {
        var copy = (WindowLoaderOptions)MemberwiseClone();
        copy.Source = Source?.Clone()!;
        copy.Inputs = Inputs is null ? null : [.. Inputs.Select(i => i?.Clone()!)];
        copy.Starts = Starts is null ? null : [.. Starts];
        copy.Target = Target?.Clone()!;
        copy.ShuffleBlock = ShuffleBlock?.Clone();
        copy.Remote = Remote?.Clone()!;
        copy.Mixture = Mixture is null ? null : [.. Mixture.Select(c => c?.Clone()!)];
        copy.Rows = Rows?.Clone();
        copy.Split = Split?.Clone();
        copy.Normalize = Normalize?.Clone();
        return copy;
    }

    /// <summary>
    /// Checks every value against the same rules the JSON binder applies (a config that binds always validates);
    /// the exception names the option (its JSON key, as <see cref="ArgumentException.ParamName"/>), the expected
    /// and the found value. Files are not opened: what only the files can tell is checked by the loader.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A number is out of range (<see cref="Window"/>, <see cref="BatchSize"/>, <see cref="Stride"/>,
    /// <see cref="WindowsPerEpoch"/>, <see cref="Workers"/>, <see cref="Prefetch"/>, <see cref="MemoryBudget"/>,
    /// <see cref="ReadAhead"/>, <see cref="Rank"/> (also: not below <see cref="WorldSize"/>), <see cref="WorldSize"/>,
    /// the target's horizon, a source's row shape, header offset or row count), or an enum value is not defined.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// A value is missing or invalid (only this base type, never a derived one): no source, a source with neither
    /// paths nor a glob, an empty path, an unknown dtype, an empty <see cref="Starts"/> list, or a
    /// <see cref="TargetKind.File"/> target without its labels source.
    /// </exception>
    public void Validate()
    {
        if (OptionRules.Check(this) is { } violation)
        {
            throw violation.ToArgumentException();
        }
    }

    /// <summary>The worker threads started: the fixed count, or for <see cref="WorkerCount.Auto"/> the most that can be active.</summary>
    internal int ResolveWorkers() => Workers switch
    {
        { IsAuto: true } => MaxWorkers ?? Math.Max(2, Environment.ProcessorCount),
        { Count: int n } => n,
        _ => Math.Max(2, Environment.ProcessorCount),
    };

    internal bool ResolveAutoWorkers() => Workers is { IsAuto: true };

    /// <summary>Where launcher variables are read (tests inject a dictionary); null: the process environment.</summary>
    internal Func<string, string?>? LaunchVariables { get; set; }

    internal RankAssignment ResolveRank() =>
        LaunchEnvironment.Resolve(Rank, WorldSize, LaunchVariables ?? Environment.GetEnvironmentVariable);
}
