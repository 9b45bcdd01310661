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
/// With <c>--rank</c>, <c>--world-size</c>, <c>--state-in</c> or <c>--state-out</c> it reads like one rank of a
/// training job: the next K windows of this rank's stream of the loader's epoch, and the state after them.
/// </summary>
internal sealed class TakeCommand : VerbCommand
{
    private readonly Argument<string[]> _paths = new("path") { Description = "one file, or the shards of one array in order (else the config's loader.source)", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<long?> _count = CliOptions.Long("take", "--count", "K", "windows to take from the sampler (permutation: distinct starts)", minimum: 1);
    private readonly Option<string?> _starts = CliOptions.Text("--starts", "FILE", "explicit starts, one integer per line (instead of --count)");
    private readonly Option<string?> _out = CliOptions.Text("--out", "FILE", "the output .npy, required", required: true);
    private readonly Option<string?> _startsOut = CliOptions.Text("--starts-out", "FILE", "writes the starts used, one per line");
    private readonly Option<string?> _io = CliOptions.Choice("take", "--io", "MODE", "pread (default) or mmap", "pread", "mmap");
    private readonly Option<int?> _rank = CliOptions.Int("take", "--rank", "R", "this process's rank (default: the launcher's variables, else 0); takes from this rank's stream", minimum: 0);
    private readonly Option<int?> _worldSize = CliOptions.Int("take", "--world-size", "N", "number of ranks (default: the launcher's variables, else 1)", minimum: 1);
    private readonly Option<string?> _stateIn = CliOptions.Text("--state-in", "FILE", "continue from a saved loader state (JSON), on any world size");
    private readonly Option<string?> _stateOut = CliOptions.Text("--state-out", "FILE", "writes the loader state after the last window taken (JSON)");
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
        Add(_rank);
        Add(_worldSize);
        Add(_stateIn);
        Add(_stateOut);
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
        (int? configRank, int? configWorld) = (options.Rank, options.WorldSize);
        _loader.Apply(options, result);
        int? rank = result.GetValue(_rank);
        int? worldSize = result.GetValue(_worldSize);
        string? stateIn = result.GetValue(_stateIn);
        string? stateOut = result.GetValue(_stateOut);
        bool ranked = rank is not null || worldSize is not null || stateIn is not null || stateOut is not null;
        if (ranked)
        {
            // A rank of a job: unset values come from the launcher's variables, as in the library.
            options.Rank = rank ?? configRank;
            options.WorldSize = worldSize ?? configWorld;
            if (options.Rank is { } r && options.WorldSize is { } w && r >= w)
            {
                throw new UsageException($"take: option '--rank': expected 0..{w - 1} (world size {w}); found {r}.");
            }
        }

        if (result.GetValue(_io) is { } io)
        {
            options.Io = LoaderConfig.ParseIo(io);
        }

        if (startsPath is not null)
        {
            options.Starts = StartsFile.Read(startsPath);
            options.WindowsPerEpoch = null;
        }
        else if (count is not null && !ranked)
        {
            options.WindowsPerEpoch = count;
            options.Starts = null;
        }
        else if (options.Starts is null && options.WindowsPerEpoch is null && !ranked)
        {
            throw new UsageException("take: expected '--count K' or '--starts FILE' (or windowsPerEpoch / starts in --config); found neither.");
        }

        options.DropLast = false;
        options.StridedWindows = false; // take writes (K, W, *row): a strided batch would be copied window by window anyway
        OutputPath.EnsureDirectory(output, "--out");
        string? startsOut = result.GetValue(_startsOut);
        if (startsOut is not null)
        {
            OutputPath.EnsureDirectory(startsOut, "--starts-out");
        }

        if (stateOut is not null)
        {
            OutputPath.EnsureDirectory(stateOut, "--state-out");
        }

        LoaderState start = stateIn is null ? default : StateFile.Read(stateIn, "--state-in");

        var clock = Stopwatch.StartNew();
        using var loader = new WindowLoader(options);
        ReadRange range = ranked ? ReadRange.From(start) : ReadRange.ForEpoch(0);
        long available = ranked ? loader.CountWindows(range) : loader.WindowsPerEpoch;
        long windows = Math.Min(available, ranked ? count ?? available : available);
        if (ranked && !context.Quiet)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"windowds take: {loader.RankSource}; {windows} of the {available} windows left in epoch {start.Epoch} on this rank"));
        }

        long[] shape = [windows, loader.Window, .. loader.RowShape.Select(d => (long)d)];
        var used = startsOut is null ? null : new List<long>((int)Math.Min(windows, 1 << 24));
        bool completed = false;
        List<(NpyWriter Writer, string Path)> others = [];
        try
        {
            using (var writer = new NpyWriter(output, loader.OutputType, shape))
            using (ProgressScope bar = context.Progress($"take {Path.GetFileName(output)}"))
            {
                // Aligned inputs (loader.inputs without concat): input 0 goes to --out, input k to OUT.<name>.npy.
                for (int k = 1; k < loader.InputCount; k++)
                {
                    string path = InputPath(output, loader.GetInputName(k));
                    others.Add((new NpyWriter(path, loader.GetInputElementType(k), [windows, loader.Window, .. loader.GetInputRowShape(k).Select(d => (long)d)]), path));
                }

                long taken = 0;
                if (windows > 0)
                {
                    foreach (WindowBatch b in loader.Read(range, cancellationToken))
                    {
                        // The last batch may hold more than --count asks for: only its first windows are taken.
                        int n = (int)Math.Min(b.Count, windows - taken);
                        writer.Write(b.Data[..checked((int)(n * loader.WindowBytes))]);
                        for (int k = 0; k < others.Count; k++)
                        {
                            Span<byte> data = b.GetInputData(k + 1);
                            others[k].Writer.Write(data[..(data.Length / b.Count * n)]);
                        }

                        used?.AddRange(b.Starts[..n]);
                        taken += n;
                        bar.Report((double)taken / windows);
                        if (taken == windows)
                        {
                            break;
                        }
                    }
                }

                writer.Complete();
                foreach ((NpyWriter other, _) in others)
                {
                    other.Complete();
                }
            }

            completed = true;
        }
        finally
        {
            foreach ((NpyWriter other, string path) in others)
            {
                other.Dispose();
                if (!completed)
                {
                    TryDelete(path);
                }
            }

            if (!completed)
            {
                TryDelete(output);
            }
        }

        if (startsOut is not null)
        {
            StartsFile.Write(startsOut, used!);
        }

        if (stateOut is not null)
        {
            StateFile.Write(stateOut, loader.Advance(start, windows));
        }

        clock.Stop();
        long bytes = new FileInfo(output).Length;
        context.Summary(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {Units.Shape(shape)} {ElementTypeInfo.Name(loader.OutputType)}, {Units.Bytes(bytes)} in {clock.Elapsed.TotalSeconds:F2} s ({windows / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F0} windows/s, io {LoaderConfig.Name(options.Io)}, {loader.Workers} workers, {loader.BufferCount} buffers of {Units.Bytes(loader.BatchBytes)})"));
        return CliApp.Success;
    }

    /// <summary>Where input <paramref name="name"/> of several aligned inputs is written: next to --out, <c>OUT.name.npy</c>.</summary>
    internal static string InputPath(string output, string name)
    {
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            throw new UsageException($"take: expected input names usable in a file name (input k is written to OUT.<name>.npy); found '{name}'.");
        }

        string stem = output.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? output[..^4] : output;
        return $"{stem}.{name}.npy";
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
