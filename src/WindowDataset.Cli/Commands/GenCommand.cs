using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.Output;
using WindowDataset.Cli.Parsing;
using WindowDataset.Synthetic;

namespace WindowDataset.Cli.Commands;

/// <summary><c>windowds gen &lt;out.npy&gt; --rows N --cols D</c>: a synthetic .npy written in chunks, in bounded memory.</summary>
internal sealed class GenCommand : ICommand
{
    public string Name => "gen";

    public string Usage => "windowds gen <out.npy> --rows N --cols D [--dtype float64] [--seed S] [--signal ar|random]";

    public string Summary => "Writes a deterministic (rows, cols) array as .npy (numpy header), streamed in chunks. 'ar' is a learnable multichannel autoregressive signal (what the training sample uses); 'random' is uniform noise in [-1, 1).";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("--rows", "N", "rows (axis 0), required"),
        OptionSpec.Value("--cols", "D", "columns per row, required"),
        OptionSpec.Value("--dtype", "T", "element type (default float64; integer types hold the values x1000, rounded)"),
        OptionSpec.Value("--seed", "S", "seed (default 0): same arguments, same bytes"),
        OptionSpec.Value("--signal", "KIND", "ar (default) or random"),
    ];

    public int Execute(ParsedArguments args, CommandContext context, CancellationToken cancellationToken)
    {
        args.RequirePositionals(1, 1, "one output path (<out.npy>)");
        string output = args.Positionals[0];
        long rows = args.GetLong("--rows", 1) ?? throw args.Missing("--rows");
        int cols = args.GetInt("--cols", 1) ?? throw args.Missing("--cols");
        ElementType type = args.GetElementType("--dtype", out bool bigEndian) ?? ElementType.Float64;
        if (bigEndian)
        {
            throw new UsageException($"gen: option '--dtype': expected a little-endian type (the .npy is written little-endian); found '{args.GetString("--dtype")}'.");
        }

        ulong seed = args.GetULong("--seed") ?? 0;
        SignalKind signal = args.GetChoice("--signal", "ar", "random") == "random" ? SignalKind.Random : SignalKind.Ar;
        OutputPath.EnsureDirectory(output, "gen");

        var clock = Stopwatch.StartNew();
        using (ProgressBar bar = context.Progress($"gen {Path.GetFileName(output)}"))
        {
            SyntheticData.WriteNpy(output, rows, cols, type, signal, seed, bar);
        }

        clock.Stop();
        long bytes = new FileInfo(output).Length;
        context.Summary(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {Units.Shape([rows, cols])} {ElementTypeInfo.Name(type)} {signal.ToString().ToLowerInvariant()}, {Units.Bytes(bytes)} in {clock.Elapsed.TotalSeconds:F2} s ({bytes / 1e9 / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F2} GB/s)"));
        return CliApp.Success;
    }
}
