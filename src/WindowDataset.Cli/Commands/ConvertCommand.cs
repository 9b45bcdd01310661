using System.Diagnostics;
using System.Globalization;
using WindowDataset.Cli.Conversion;
using WindowDataset.Cli.Output;
using WindowDataset.Cli.Parsing;

namespace WindowDataset.Cli.Commands;

/// <summary><c>windowds convert</c>: an HDF5 dataset or a raw file to a little-endian .npy, in chunks.</summary>
internal sealed class ConvertCommand : ICommand
{
    public string Name => "convert";

    public string Usage => "windowds convert <in.h5> --dataset /path --out <out.npy> | windowds convert <in.raw> --dtype D --cols C [--header-offset B] --out <out.npy>";

    public string Summary => "Converts an HDF5 dataset (h5py-written, contiguous or chunked; floats, integers, bool; either byte order) or a headerless raw file to a little-endian .npy, streamed in chunks with a progress bar. No native HDF5 library is needed.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("--dataset", "PATH", "HDF5 input: the dataset's path (/group/name)"),
        OptionSpec.Value("--dtype", "T", "raw input: element type with optional byte order (float64, <f8, >i4...)"),
        OptionSpec.Value("--cols", "C", "raw input: elements per row (default 1)"),
        OptionSpec.Value("--header-offset", "B", "raw input: bytes to skip at the start (default 0)"),
        OptionSpec.Value("--out", "FILE", "the output .npy, required"),
    ];

    public int Execute(ParsedArguments args, CommandContext context, CancellationToken cancellationToken)
    {
        args.RequirePositionals(1, 1, "one input file");
        string input = args.Positionals[0];
        string output = args.RequireString("--out");
        string? dataset = args.GetString("--dataset");
        ElementType? rawType = args.GetElementType("--dtype", out bool bigEndian);
        int? cols = args.GetInt("--cols", 1);
        long? headerOffset = args.GetLong("--header-offset", 0);
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
            using ProgressBar bar = context.Progress($"convert {Path.GetFileName(input)}");
            if (dataset is not null)
            {
                (shape, type) = Hdf5Converter.Convert(input, dataset, output, bar, cancellationToken);
            }
            else
            {
                type = rawType!.Value;
                shape = RawConverter.Convert(input, output, type, bigEndian, cols ?? 1, headerOffset ?? 0, bar, cancellationToken);
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
