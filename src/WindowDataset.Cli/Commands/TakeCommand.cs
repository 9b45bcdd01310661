using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.CommandLine;
using WindowDataset.Cli.Output;
using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli.Commands;

/// <summary>
/// <c>windowds take &lt;path&gt;... --window W (--count K | --starts FILE) --out out.npy</c>: K windows into one .npy of
/// shape (K, W, *rowshape), in order, streamed batch by batch (memory stays within the loader's budget).
/// </summary>
internal sealed class TakeCommand : VerbCommand
{
    private readonly Argument<string[]> _paths = new("path") { Description = "one file, or the shards of one array in order (else the config's loader.source)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<long?> _count = CliOptions.Long("take", "--count", "K", "windows to take from the sampler (permutation: distinct starts)", minimum: 1);
    private readonly Option<string?> _starts = CliOptions.Text("--starts", "FILE", "explicit starts, one integer per line (instead of --count)");
    private readonly Option<string?> _out = CliOptions.Text("--out", "FILE", "the output .npy, required", required: true);
    private readonly Option<string?> _startsOut = CliOptions.Text("--starts-out", "FILE", "writes the starts used, one per line");
    private readonly Option<string?> _io = CliOptions.Choice("take", "--io", "MODE", "pread (default) or mmap", "pread", "mmap");
    private readonly LoaderOptionSet _loader = new(
        "take",
        windowHelp: "rows per window (default 16, or the config's)",
        workersHelp: "loader worker threads",
        dtypeHelp: "output element type: the file's (default), float32 or float64",
        memoryBudgetHelp: "loader memory budget (default 1GiB), e.g. 512MiB, 2GiB",
        pageCacheHelp: "default or drop (drop the pages read from the page cache)",
        configHelp: "loader options (JSON; the 'loader' section or the whole file); explicit options override");

    public TakeCommand()
        : base("take", "Reads K windows of W consecutive rows (from the sampler, or the starts in FILE, one global row per line, in that order) and streams them into one .npy of shape (K, W, *rowshape). Memory stays within --memory-budget even when the output is larger than RAM.", "input files")
    {
        Add(_paths);
        Add(_count);
        Add(_starts);
        Add(_out);
        Add(_startsOut);
        Add(_io);
        _loader.AddTo(this);
    }

    public override int Execute(ParseResult result, CommandContext context, CancellationToken cancellationToken)
    {
        string output = result.GetValue(_out)!;
        string? startsPath = result.GetValue(_starts);
        long? count = result.GetValue(_count);
        if (startsPath is not null && count is not null)
        {
            throw Conflict("--count", "--starts");
        }

        if (startsPath is not null && result.GetResult(_loader.Seed) is not null)
        {
            throw Conflict("--seed", "--starts");
        }

        string[] paths = result.GetValue(_paths) ?? [];
        string? config = _loader.ConfigPath(result);
        foreach (string path in paths)
        {
            InfoCommand.RequireSource(path);
        }

        (WindowLoaderOptions options, _) = LoaderConfig.Load(config, paths);
        _loader.Apply(options, result);
        if (result.GetValue(_io) is { } io)
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
        string? startsOut = result.GetValue(_startsOut);
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
            using (ProgressScope bar = context.Progress($"take {Path.GetFileName(output)}"))
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

    private static UsageException Conflict(string first, string second) =>
        new($"take: options '{first}' and '{second}' exclude each other; expected at most one.");

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
