using System.Text.Json;
using WindowDataset.Cli.Benchmarks;
using WindowDataset.Cli.Parsing;

namespace WindowDataset.Cli.Commands;

/// <summary>
/// <c>windowds bench</c>: the loader and, in the same process and on the same starts, the baselines (pread x1,
/// pread xN, mmap+madvise ahead, memcpy), warm and/or cold, with memory and page-cache figures.
/// </summary>
internal sealed class BenchCommand : ICommand
{
    private static readonly string[] s_baselineNames = ["pread", "pread-mt", "madvise", "memcpy"];

    public string Name => "bench";

    public string Usage => "windowds bench <path>... [--config FILE] --window 16 --batch 64 --workers N --count K [--io mmap|pread|both] [--cache warm|cold|both] [--dtype float32] [--step-ms X] [--page-cache default|drop] [--memory-budget 1GiB] [--repeat R] [--baselines LIST] [--starts-out FILE] [--json]";

    public string Summary => "Measures the loader against baselines on the same windows (loader.GetStarts): one pread per window (1 thread and N threads), mmap + MADV_WILLNEED 8 windows ahead, and a memory-to-memory copy of the same bytes. cold evicts the files (POSIX_FADV_DONTNEED, checked with mincore) before each method. Reports windows/s, GB/s, ratios, data wait share, first-batch latency, peak RSS / private memory and page-cache growth; --json: one object per line per configuration.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("--config", "FILE", "JSON with a 'loader' section (loader options) and an optional 'bench' section (count, io, cache, repeat, stepMs, stepMode, baselines)"),
        OptionSpec.Value("--window", "W", "rows per window (default 16)"),
        OptionSpec.Value("--batch", "B", "windows per batch (default 64)"),
        OptionSpec.Value("--workers", "N", "loader workers; also the threads of the multi-threaded pread baseline"),
        OptionSpec.Value("--count", "K", "windows per run (default: 10000, at most the valid starts)"),
        OptionSpec.Value("--seed", "S", "sampler seed (default 0)"),
        OptionSpec.Value("--io", "MODE", "pread, mmap or both (default pread)"),
        OptionSpec.Value("--cache", "MODE", "warm, cold or both (default warm)"),
        OptionSpec.Value("--dtype", "T", "loader output type (float32 includes the conversion in the loader's time)"),
        OptionSpec.Value("--step-ms", "X", "simulated consumer step per batch in ms (default 0)"),
        OptionSpec.Value("--step-mode", "MODE", "sleep (default) or spin (busy-wait)"),
        OptionSpec.Value("--page-cache", "POLICY", "default or drop (PageCachePolicy.DropAfterRead)"),
        OptionSpec.Value("--memory-budget", "SIZE", "loader memory budget (default 1GiB)"),
        OptionSpec.Value("--repeat", "R", "runs per configuration; the median is reported (default 1)"),
        OptionSpec.Value("--baselines", "LIST", "comma-separated: pread,pread-mt,madvise,memcpy (default all) or none"),
        OptionSpec.Value("--starts-out", "FILE", "writes the starts every method reads, one per line (to time other tools, e.g. bench/python/baselines.py, on the same windows)"),
        OptionSpec.Flag("--json", "one JSON object per line per configuration"),
    ];

    public int Execute(ParsedArguments args, CommandContext context, CancellationToken cancellationToken)
    {
        string? config = args.GetString("--config");
        foreach (string path in args.Positionals)
        {
            InfoCommand.RequireFile(path);
        }

        (WindowLoaderOptions options, JsonElement? root) = LoaderConfig.Load(config, args.Positionals);
        BenchSection section = new();
        if (root is { } r && r.TryGetProperty("bench", out JsonElement bench))
        {
            section = WindowDataset.Configuration.ConfigFile.Bind(bench, BenchJsonContext.Default.BenchSection, config!, "$.bench");
        }

        LoaderConfig.ApplyCommon(options, args);
        if (args.GetInt("--batch", 1) is { } batch)
        {
            options.BatchSize = batch;
        }

        options.Starts = null;
        options.DropLast = false;
        string io = args.GetChoice("--io", "pread", "mmap", "both") ?? Choice(section.Io, config, "$.bench.io", "pread", "pread", "mmap", "both");
        string cache = args.GetChoice("--cache", "warm", "cold", "both") ?? Choice(section.Cache, config, "$.bench.cache", "warm", "warm", "cold", "both");
        string stepMode = args.GetChoice("--step-mode", "sleep", "spin") ?? Choice(section.StepMode, config, "$.bench.stepMode", "sleep", "sleep", "spin");
        int repeat = args.GetInt("--repeat", 1, 1000) ?? section.Repeat ?? 1;
        double stepMs = args.GetDouble("--step-ms", 0, 60_000) ?? section.StepMs ?? 0;
        if (repeat is < 1 or > 1000)
        {
            throw new InvalidDataException($"{config}: $.bench.repeat: expected 1..1000; found {repeat}.");
        }

        if (stepMs is < 0 or > 60_000)
        {
            throw new InvalidDataException($"{config}: $.bench.stepMs: expected 0..60000; found {stepMs}.");
        }

        BaselineSet baselines = args.GetString("--baselines") is { } list
            ? ParseBaselines(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), name => new UsageException($"bench: option '--baselines': expected a comma-separated list of pread, pread-mt, madvise, memcpy (or none); found '{name}'."))
            : section.Baselines is { } fromConfig
                ? ParseBaselines([.. fromConfig], name => new InvalidDataException($"{config}: $.bench.baselines: expected pread, pread-mt, madvise or memcpy; found '{name}'."))
                : BaselineSet.All;

        long? count = args.GetLong("--count", 1) ?? section.Count;
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
            options.WindowsPerEpoch = Math.Min(10_000, probe.ValidStarts);
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
            Json = args.Has("--json"),
            StartsOut = args.GetString("--starts-out"),
        };
        if (settings.CacheModes.Contains(true) && !OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("bench: --cache cold needs Linux (posix_fadvise and mincore).");
        }

        new BenchRunner(settings, context, cancellationToken).Run();
        return CliApp.Success;
    }

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
