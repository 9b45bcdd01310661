using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.Output;
using WindowDataset.Cli.Parsing;

namespace WindowDataset.Cli.Commands;

/// <summary>
/// <c>windowds take &lt;path&gt;... --window W (--count K | --starts FILE) --out out.npy</c>: K windows into one .npy of
/// shape (K, W, *rowshape), in order, streamed batch by batch (memory stays within the loader's budget).
/// </summary>
internal sealed class TakeCommand : ICommand
{
    public string Name => "take";

    public string Usage => "windowds take <path>... --window W (--count K [--seed S] | --starts FILE) --out <out.npy> [--dtype float32] [--io mmap|pread] [--workers N] [--memory-budget 2GiB] [--starts-out FILE] [--config FILE]";

    public string Summary => "Reads K windows of W consecutive rows (from the sampler, or the starts in FILE, one global row per line, in that order) and streams them into one .npy of shape (K, W, *rowshape). Memory stays within --memory-budget even when the output is larger than RAM.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("--window", "W", "rows per window (default 16, or the config's)"),
        OptionSpec.Value("--count", "K", "windows to take from the sampler (permutation: distinct starts)"),
        OptionSpec.Value("--seed", "S", "sampler seed (default 0)"),
        OptionSpec.Value("--starts", "FILE", "explicit starts, one integer per line (instead of --count)"),
        OptionSpec.Value("--out", "FILE", "the output .npy, required"),
        OptionSpec.Value("--starts-out", "FILE", "writes the starts used, one per line"),
        OptionSpec.Value("--dtype", "T", "output element type: the file's (default), float32 or float64"),
        OptionSpec.Value("--io", "MODE", "pread (default) or mmap"),
        OptionSpec.Value("--workers", "N", "loader worker threads"),
        OptionSpec.Value("--batch", "B", "windows per batch (default 64)"),
        OptionSpec.Value("--memory-budget", "SIZE", "loader memory budget (default 1GiB), e.g. 512MiB, 2GiB"),
        OptionSpec.Value("--page-cache", "POLICY", "default or drop (drop the pages read from the page cache)"),
        OptionSpec.Value("--config", "FILE", "loader options (JSON; the 'loader' section or the whole file); explicit options override"),
    ];

    public int Execute(ParsedArguments args, CommandContext context, CancellationToken cancellationToken)
    {
        string output = args.RequireString("--out");
        string? startsPath = args.GetString("--starts");
        long? count = args.GetLong("--count", 1);
        if (startsPath is not null && count is not null)
        {
            throw args.Conflict("--count", "--starts");
        }

        if (startsPath is not null && args.Has("--seed"))
        {
            throw args.Conflict("--seed", "--starts");
        }

        string? config = args.GetString("--config");
        foreach (string path in args.Positionals)
        {
            InfoCommand.RequireFile(path);
        }

        (WindowLoaderOptions options, _) = LoaderConfig.Load(config, args.Positionals);
        LoaderConfig.ApplyCommon(options, args);
        if (args.GetInt("--batch", 1) is { } batch)
        {
            options.BatchSize = batch;
        }

        if (args.GetChoice("--io", "pread", "mmap") is { } io)
        {
            options.Io = LoaderConfig.ParseIo(io);
        }

        if (startsPath is not null)
        {
            options.Starts = StartsFile.Read(startsPath);
            options.WindowsPerEpoch = null;
        }
        else if (count is not null)
        {
            options.WindowsPerEpoch = count;
            options.Starts = null;
        }
        else if (options.Starts is null && options.WindowsPerEpoch is null)
        {
            throw new UsageException("take: expected '--count K' or '--starts FILE' (or windowsPerEpoch / starts in --config); found neither.");
        }

        options.DropLast = false;
        OutputPath.EnsureDirectory(output, "--out");
        string? startsOut = args.GetString("--starts-out");
        if (startsOut is not null)
        {
            OutputPath.EnsureDirectory(startsOut, "--starts-out");
        }

        var clock = Stopwatch.StartNew();
        using var loader = new WindowLoader(options);
        long windows = loader.WindowsPerEpoch;
        long[] shape = [windows, loader.Window, .. loader.RowShape.Select(d => (long)d)];
        var used = startsOut is null ? null : new List<long>((int)Math.Min(windows, 1 << 24));
        bool completed = false;
        try
        {
            using (var writer = new NpyWriter(output, loader.OutputType, shape))
            using (ProgressBar bar = context.Progress($"take {Path.GetFileName(output)}"))
            {
                long batches = loader.BatchesPerEpoch;
                foreach (WindowBatch b in loader.Read(ReadRange.ForEpoch(0), cancellationToken))
                {
                    writer.Write(b.Data);
                    used?.AddRange(b.Starts);
                    bar.Report((double)(b.Index + 1) / batches);
                }

                writer.Complete();
            }

            completed = true;
        }
        finally
        {
            if (!completed)
            {
                TryDelete(output);
            }
        }

        if (startsOut is not null)
        {
            StartsFile.Write(startsOut, used!);
        }

        clock.Stop();
        long bytes = new FileInfo(output).Length;
        context.Summary(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {Units.Shape(shape)} {ElementTypeInfo.Name(loader.OutputType)}, {Units.Bytes(bytes)} in {clock.Elapsed.TotalSeconds:F2} s ({windows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F0} windows/s, io {LoaderConfig.Name(options.Io)}, {loader.Workers} workers, {loader.BufferCount} buffers of {Units.Bytes(loader.BatchBytes)})"));
        return CliApp.Success;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // best effort: the original error matters more
        }
        catch (UnauthorizedAccessException)
        {
            // same
        }
    }
}
