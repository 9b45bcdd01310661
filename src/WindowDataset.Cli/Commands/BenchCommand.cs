using System.CommandLine;
using System.Text.Json;
using WindowDataset.Cli.Benchmarks;
using WindowDataset.Cli.Benchmarks.Baselines;
using WindowDataset.Cli.CommandLine;

namespace WindowDataset.Cli.Commands;

/// <summary>
/// <c>windowds bench</c>: the loader and, in the same process and on the same starts, the baselines (pread x1,
/// pread xN, mmap+madvise ahead, memcpy), warm and/or cold, with memory and page-cache figures.
/// </summary>
internal sealed class BenchCommand : VerbCommand
{
    private static readonly string[] s_baselineNames = ["pread", "pread-mt", "madvise", "memcpy"];

    private readonly Argument<string[]> _paths = new("path") { Description = "one file, or the shards of one array in order (else the config's loader.source)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<long?> _count = CliOptions.Long("bench", "--count", "K", "windows per run (default: 10000, at most the valid starts)", minimum: 1);
    private readonly Option<string?> _io = CliOptions.Choice("bench", "--io", "MODE", "pread, mmap or both (default pread)", "pread", "mmap", "both");
    private readonly Option<string?> _cache = CliOptions.Choice("bench", "--cache", "MODE", "warm, cold or both (default warm)", "warm", "cold", "both");
    private readonly Option<double?> _stepMs = CliOptions.Double("bench", "--step-ms", "X", "simulated consumer step per batch in ms (default 0)", 0, 60_000);
    private readonly Option<string?> _stepMode = CliOptions.Choice("bench", "--step-mode", "MODE", "sleep (default) or spin (busy-wait)", "sleep", "spin");
    private readonly Option<int?> _repeat = CliOptions.Int("bench", "--repeat", "R", "runs per configuration; the median is reported (default 1)", minimum: 1, maximum: 1000);
    private readonly Option<string?> _baselines = CliOptions.Text("--baselines", "LIST", "comma-separated: pread,pread-mt,madvise,memcpy (default all) or none");
    private readonly Option<string?> _startsOut = CliOptions.Text("--starts-out", "FILE", "writes the starts every method reads, one per line (to time other tools, e.g. bench/python/baselines.py, on the same windows)");
    private readonly Option<bool> _json = CliOptions.Flag("--json", "one JSON object per line per configuration");
    private readonly Option<string?> _sampler = CliOptions.Choice("bench", "--sampler", "KIND", "uniform, permutation or sequential (default: the config's, else permutation)", "uniform", "permutation", "sequential");
    private readonly Option<long?> _stride = CliOptions.Long("bench", "--stride", "S", "sequential: distance between starts (default: the config's, else 1)", minimum: 1);
    private readonly Option<string?> _compare = CliOptions.Choice("bench", "--compare", "KIND", "also measure this sampler on the same file and report the delivered GB/s ratio and bytes read per byte delivered", "uniform", "permutation", "sequential");
    private readonly Option<string?> _coalesce = CliOptions.Choice("bench", "--coalesce", "MODE", "on, off or both (default: the config's, else on): merge overlapping windows of a batch into one read", "on", "off", "both");
    private readonly Option<bool> _stridedWindows = CliOptions.Flag("--strided-windows", "sequential batches as zero-copy strided views (stridedWindows: true)");
    private readonly Option<bool> _noCeilings = CliOptions.Flag("--no-ceilings", "skip the machine's ceilings (memory copy, sequential and random reads)");
    private readonly Option<string?> _normalize = CliOptions.Text("--normalize", "STATS", "instead of the baselines: the loader as float32 and as float32 + normalize with this statistics file (windowds stats), alternately, and their ratio");
    private readonly LoaderOptionSet _loader = new(
        "bench",
        windowHelp: "rows per window (default 16)",
        workersHelp: "loader workers; also the threads of the multi-threaded pread baseline",
        dtypeHelp: "loader output type (float32 includes the conversion in the loader's time)",
        memoryBudgetHelp: "loader memory budget (default 1GiB)",
        pageCacheHelp: "default or drop (PageCachePolicy.DropAfterRead)",
        configHelp: "JSON with a 'loader' section (loader options) and an optional 'bench' section (count, io, cache, repeat, stepMs, stepMode, baselines)");

    public BenchCommand()
        : base("bench", "Measures the loader against baselines on the same windows (loader.GetStarts): one pread per window (1 thread and N threads), mmap + MADV_WILLNEED 8 windows ahead, and a memory-to-memory copy of the same bytes. cold evicts the files (POSIX_FADV_DONTNEED, checked with mincore) before each method. Reports windows/s, GB/s, ratios, data wait share, first-batch latency, peak RSS / private memory and page-cache growth; --json: one object per line per configuration.", "input files")
    {
        _baselines.CompletionSources.Add("pread", "pread-mt", "madvise", "memcpy", "none");
        Add(_paths);
        _loader.AddTo(this);
        Add(_count);
        Add(_io);
        Add(_cache);
        Add(_stepMs);
        Add(_stepMode);
        Add(_repeat);
        Add(_baselines);
        Add(_startsOut);
        Add(_json);
        Add(_sampler);
        Add(_stride);
        Add(_compare);
        Add(_coalesce);
        Add(_stridedWindows);
        Add(_noCeilings);
        Add(_normalize);
    }

    public override int Execute(ParseResult result, CommandContext context, CancellationToken cancellationToken)
    {
        string? config = _loader.ConfigPath(result);
        string[] paths = result.GetValue(_paths) ?? [];
        foreach (string path in paths)
        {
            InfoCommand.RequireSource(path);
        }

        (WindowLoaderOptions options, JsonElement? root) = LoaderConfig.Load(config, paths);
        BenchSection section = new();
        if (root is { } r && r.TryGetProperty("bench", out JsonElement bench))
        {
            section = WindowDataset.Configuration.ConfigFile.Bind(bench, BenchJsonContext.Default.BenchSection, config!, "$.bench");
        }

        _loader.Apply(options, result);
        options.Starts = null;
        options.DropLast = false;
        string io = result.GetValue(_io) ?? Choice(section.Io, config, "$.bench.io", "pread", "pread", "mmap", "both");
        string cache = result.GetValue(_cache) ?? Choice(section.Cache, config, "$.bench.cache", "warm", "warm", "cold", "both");
        string stepMode = result.GetValue(_stepMode) ?? Choice(section.StepMode, config, "$.bench.stepMode", "sleep", "sleep", "spin");
        int repeat = result.GetValue(_repeat) ?? section.Repeat ?? 1;
        double stepMs = result.GetValue(_stepMs) ?? section.StepMs ?? 0;
        if (repeat is < 1 or > 1000)
        {
            throw new InvalidDataException($"{config}: $.bench.repeat: expected 1..1000; found {repeat}.");
        }

        if (stepMs is < 0 or > 60_000)
        {
            throw new InvalidDataException($"{config}: $.bench.stepMs: expected 0..60000; found {stepMs}.");
        }

        BaselineSet baselines = result.GetValue(_baselines) is { } list
            ? ParseBaselines(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), name => new UsageException($"bench: option '--baselines': expected a comma-separated list of pread, pread-mt, madvise, memcpy (or none); found '{name}'."))
            : section.Baselines is { } fromConfig
                ? ParseBaselines([.. fromConfig], name => new InvalidDataException($"{config}: $.bench.baselines: expected pread, pread-mt, madvise or memcpy; found '{name}'."))
                : BaselineSet.All;

        if (result.GetValue(_sampler) is { } sampler)
        {
            options.Sampler = ParseSampler(sampler);
        }

        options.Stride = result.GetValue(_stride) ?? options.Stride;
        bool strided = options.StridedWindows || result.GetValue(_stridedWindows);
        string coalesce = result.GetValue(_coalesce) ?? (options.Coalesce ? "on" : "off");
        bool[] coalesceModes = coalesce switch { "both" => [true, false], "off" => [false], _ => [true] };
        var variants = new List<BenchVariant>();
        SamplerKind[] samplers = result.GetValue(_compare) is { } compare && ParseSampler(compare) != options.Sampler ? [options.Sampler, ParseSampler(compare)] : [options.Sampler];
        foreach (SamplerKind kind in samplers)
        {
            foreach (bool mode in coalesceModes)
            {
                variants.Add(new BenchVariant(kind, options.Stride, mode, strided));
            }
        }

        variants[0].Apply(options);
        long? count = result.GetValue(_count) ?? section.Count;
        if (count is < 1)
        {
            throw new InvalidDataException($"{config}: $.bench.count: expected >= 1; found {count}.");
        }

        if (count is not null)
        {
            options.WindowsPerEpoch = count;
        }
        else if (options.WindowsPerEpoch is null)
        {
            using var probe = new WindowLoader(options);
            options.WindowsPerEpoch = Math.Min(10_000, Math.Min(probe.ValidStarts, probe.WindowsPerEpoch));
        }

        var settings = new BenchSettings
        {
            Options = options,
            IoModes = io == "both" ? [IoMode.Pread, IoMode.Mmap] : [LoaderConfig.ParseIo(io)],
            CacheModes = cache switch { "both" => [false, true], "cold" => [true], _ => [false] },
            Repeat = repeat,
            StepMs = stepMs,
            StepSpin = stepMode == "spin",
            Baselines = baselines,
            Json = result.GetValue(_json),
            StartsOut = result.GetValue(_startsOut),
            Variants = variants,
            Ceilings = !result.GetValue(_noCeilings),
        };
        if (settings.CacheModes.Contains(true) && !OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("bench: --cache cold needs Linux (posix_fadvise and mincore).");
        }

        if (result.GetValue(_normalize) is { } stats)
        {
            NormalizeBench.Run(options, stats, repeat, settings.Json, context.Out, cancellationToken);
            return CliApp.Success;
        }

        new BenchRunner(settings, context, cancellationToken).Run();
        return CliApp.Success;
    }

    private static SamplerKind ParseSampler(string name) => name switch
    {
        "uniform" => SamplerKind.Uniform,
        "sequential" => SamplerKind.Sequential,
        _ => SamplerKind.Permutation,
    };

    private static string Choice(string? value, string? config, string jsonPath, string fallback, params string[] allowed)
    {
        if (value is null)
        {
            return fallback;
        }

        string lower = value.ToLowerInvariant();
        return Array.IndexOf(allowed, lower) >= 0
            ? lower
            : throw new InvalidDataException($"{config}: {jsonPath}: expected {string.Join(", ", allowed)}; found '{value}'.");
    }

    private static BaselineSet ParseBaselines(string[] names, Func<string, Exception> error)
    {
        if (names.Length == 1 && names[0].Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return BaselineSet.None;
        }

        BaselineSet set = BaselineSet.None;
        foreach (string name in names)
        {
            set |= Array.IndexOf(s_baselineNames, name.ToLowerInvariant()) switch
            {
                0 => BaselineSet.Pread,
                1 => BaselineSet.PreadThreads,
                2 => BaselineSet.Madvise,
                3 => BaselineSet.Memcpy,
                _ => throw error(name),
            };
        }

        return set;
    }
}
