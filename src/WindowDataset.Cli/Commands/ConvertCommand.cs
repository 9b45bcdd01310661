using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.CommandLine;
using WindowDataset.Cli.Conversion;
using WindowDataset.Cli.Output;
using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli.Commands;

/// <summary><c>windowds convert</c>: an HDF5 dataset or a raw file to a little-endian .npy, in chunks.</summary>
internal sealed class ConvertCommand : VerbCommand
{
    private readonly Argument<string> _input = new("input") { Description = "an HDF5 file (with --dataset) or a headerless raw file (with --dtype)" };
    private readonly Option<string?> _dataset = CliOptions.Text("--dataset", "PATH", "HDF5 input: the dataset's path (/group/name)");
    private readonly Option<ElementTypeValue?> _dtype = CliOptions.ElementType("convert", "--dtype", "T", "raw input: element type with optional byte order (float64, <f8, >i4...)");
    private readonly Option<int?> _cols = CliOptions.Int("convert", "--cols", "C", "raw input: elements per row (default 1)", minimum: 1);
    private readonly Option<long?> _headerOffset = CliOptions.Long("convert", "--header-offset", "B", "raw input: bytes to skip at the start (default 0)", minimum: 0);
    private readonly Option<string?> _out = CliOptions.Text("--out", "FILE", "the output .npy, required", required: true);

    public ConvertCommand()
        : base("convert", "Converts an HDF5 dataset (h5py-written, contiguous or chunked; floats, integers, bool; either byte order) or a headerless raw file to a little-endian .npy, streamed in chunks with a progress bar. No native HDF5 library is needed. Forms: 'convert <in.h5> --dataset /path --out <out.npy>' and 'convert <in.raw> --dtype D --cols C [--header-offset B] --out <out.npy>'.", "one input file")
    {
        Add(_input);
        Add(_dataset);
        Add(_dtype);
        Add(_cols);
        Add(_headerOffset);
        Add(_out);
    }

    public override int Execute(ParseResult result, CommandContext context, CancellationToken cancellationToken)
    {
        string input = result.GetRequiredValue(_input);
        string output = result.GetValue(_out)!;
        string? dataset = result.GetValue(_dataset);
        ElementTypeValue? rawType = result.GetValue(_dtype);
        int? cols = result.GetValue(_cols);
        long? headerOffset = result.GetValue(_headerOffset);
        if (dataset is not null && (rawType is not null || cols is not null || headerOffset is not null))
        {
            throw new UsageException("convert: '--dataset' (HDF5) excludes '--dtype', '--cols' and '--header-offset' (raw); expected one kind of input.");
        }

        if (dataset is null && rawType is null)
        {
            bool looksHdf5 = input.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || input.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase) || input.EndsWith(".hdf", StringComparison.OrdinalIgnoreCase);
            throw new UsageException(looksHdf5
                ? "convert: expected '--dataset /path' for an HDF5 input; found none."
                : "convert: expected '--dataset /path' (HDF5 input) or '--dtype D' (raw input); found neither.");
        }

        InfoCommand.RequireFile(input);
        OutputPath.EnsureDirectory(output, "--out");
        if (Path.GetFullPath(input) == Path.GetFullPath(output))
        {
            throw new IOException($"{output}: --out: expected a file other than the input; found the input itself.");
        }

        var clock = Stopwatch.StartNew();
        DateTime startedUtc = DateTime.UtcNow.AddSeconds(-1);
        long[] shape;
        ElementType type;
        bool completed = false;
        try
        {
            using ProgressScope bar = context.Progress($"convert {Path.GetFileName(input)}");
            if (dataset is not null)
            {
                (shape, type) = Hdf5Converter.Convert(input, dataset, output, bar, cancellationToken);
            }
            else
            {
                ElementTypeValue raw = rawType!.Value;
                type = raw.Type;
                shape = RawConverter.Convert(input, output, type, raw.BigEndian, cols ?? 1, headerOffset ?? 0, bar, cancellationToken);
            }

            completed = true;
        }
        finally
        {
            if (!completed && File.Exists(output) && File.GetLastWriteTimeUtc(output) >= startedUtc)
            {
                File.Delete(output);
            }
        }

        clock.Stop();
        long bytes = new FileInfo(output).Length;
        context.Summary(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}: {Units.Shape(shape)} {ElementTypeInfo.Name(type)}, {Units.Bytes(bytes)} in {clock.Elapsed.TotalSeconds:F2} s"));
        return CliApp.Success;
    }
}
