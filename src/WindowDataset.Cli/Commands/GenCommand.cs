using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.CommandLine;
using WindowDataset.Cli.Output;
using WindowDataset.Shared.Progress;
using WindowDataset.Synthetic;

namespace WindowDataset.Cli.Commands;

/// <summary><c>windowds gen &lt;out.npy&gt; --rows N --cols D</c>: a synthetic .npy written in chunks, in bounded memory.</summary>
internal sealed class GenCommand : VerbCommand
{
    private readonly Argument<string> _output = new("out.npy") { Description = "the .npy to write" };
    private readonly Option<long?> _rows = CliOptions.Long("gen", "--rows", "N", "rows (axis 0), required", minimum: 1, required: true);
    private readonly Option<int?> _cols = CliOptions.Int("gen", "--cols", "D", "columns per row, required", minimum: 1, required: true);
    private readonly Option<ElementTypeValue?> _dtype = CliOptions.ElementType("gen", "--dtype", "T", "element type (default float64; integer types hold the values x1000, rounded)");
    private readonly Option<ulong?> _seed = CliOptions.ULong("gen", "--seed", "S", "seed (default 0): same arguments, same bytes");
    private readonly Option<string?> _signal = CliOptions.Choice("gen", "--signal", "KIND", "ar (default) or random", "ar", "random");

    public GenCommand()
        : base("gen", "Writes a deterministic (rows, cols) array as .npy (numpy header), streamed in chunks. 'ar' is a learnable multichannel autoregressive signal (what the training sample uses); 'random' is uniform noise in [-1, 1).", "one output path (<out.npy>)")
    {
        Add(_output);
        Add(_rows);
        Add(_cols);
        Add(_dtype);
        Add(_seed);
        Add(_signal);
    }

    public override int Execute(ParseResult result, CommandContext context, CancellationToken cancellationToken)
    {
        string output = result.GetRequiredValue(_output);
        long rows = result.GetValue(_rows)!.Value;
        int cols = result.GetValue(_cols)!.Value;
        ElementTypeValue? dtype = result.GetValue(_dtype);
        if (dtype is { BigEndian: true } d)
        {
            throw new UsageException($"gen: option '--dtype': expected a little-endian type (the .npy is written little-endian); found '{d.Text}'.");
        }

        ElementType type = dtype?.Type ?? ElementType.Float64;
        ulong seed = result.GetValue(_seed) ?? 0;

        // The name as the option (and the sample's config) spells it, not the enum's.
        string signalName = result.GetValue(_signal) ?? "ar";
        SignalKind signal = signalName == "random" ? SignalKind.Random : SignalKind.Ar;
        OutputPath.EnsureDirectory(output, "gen");

        var clock = Stopwatch.StartNew();
        using (ProgressScope bar = context.Progress($"gen {Path.GetFileName(output)}"))
        {
            SyntheticData.WriteNpy(output, rows, cols, type, signal, seed, bar);
        }

        clock.Stop();
        long bytes = new FileInfo(output).Length;
        context.Summary(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {Units.Shape([rows, cols])} {ElementTypeInfo.Name(type)} {signalName}, {Units.Bytes(bytes)} in {clock.Elapsed.TotalSeconds:F2} s ({bytes / 1e9 / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F2} GB/s)"));
        return CliApp.Success;
    }
}
