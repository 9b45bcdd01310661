using static System.FormattableString;

namespace WindowDataset.Configuration;

/// <summary>
/// The one rule set for <see cref="WindowLoaderOptions"/>: <see cref="WindowLoaderOptions.Validate"/> throws the
/// first violation as an argument exception, the JSON binder as an error naming the file and the key's JSON path.
/// Numbers out of range and undefined enum values are out-of-range violations; missing or invalid values (no
/// source, an empty path, an unknown dtype, an empty start list, a file target without labels) are not.
/// </summary>
internal static class OptionRules
{
    private const string DTypes = "float64 float32 float16 int64 int32 int16 int8 uint64 uint32 uint16 uint8 bool or a numpy code ('<f8', '>i4', '|u1')";

    /// <summary>The first rule <paramref name="o"/> breaks, or null.</summary>
    public static OptionViolation? Check(WindowLoaderOptions o)
    {
        if (o.Mixture is not null && MixtureRules.Check(o) is { } mixture)
        {
            return mixture;
        }

        if (InputRules.Check(o) is { } inputs)
        {
            return inputs;
        }

        if (o.Inputs is not null && (o.Mixture is not null || o.Dilation != 1 || o.Missing == MissingValues.SkipWindows || (o.Target?.LeadTime ?? 0) != 0))
        {
            return Invalid("inputs", Invariant($"inputs: expected a loader without mixture, dilation, target.leadTime and missing: skipWindows (not supported with aligned inputs yet); found {(o.Mixture is not null ? "mixture" : o.Dilation != 1 ? $"dilation {o.Dilation}" : o.Missing == MissingValues.SkipWindows ? "missing: skipWindows" : $"target.leadTime {o.Target!.LeadTime}")}."));
        }

        if (o.Source is null && o.Mixture is null && o.Inputs is null)
        {
            return Invalid("source", "source: expected an object with paths or a glob; found null.");
        }

        if (o.Mixture is null && o.Inputs is null && CheckSource(o.Source!, "source") is { } source)
        {
            return source;
        }

        if (o.Window < 1)
        {
            return Range("window", Invariant($"window: expected >= 1; found {o.Window}."));
        }

        if (o.BatchSize < 1)
        {
            return Range("batchSize", Invariant($"batchSize: expected >= 1; found {o.BatchSize}."));
        }

        if (!Enum.IsDefined(o.Sampler))
        {
            return Range("sampler", Invariant($"sampler: expected uniform, permutation or sequential; found {o.Sampler}."));
        }

        if (o.Stride < 1)
        {
            return Range("stride", Invariant($"stride: expected >= 1; found {o.Stride}."));
        }

        if (o.WindowsPerEpoch is <= 0)
        {
            return Range("windowsPerEpoch", Invariant($"windowsPerEpoch: expected > 0 or null; found {o.WindowsPerEpoch}."));
        }

        if (o.Starts is { Count: 0 })
        {
            return Invalid("starts", "starts: expected at least one start or null; found an empty list.");
        }

        if (o.Workers is { Count: < 1 or > 256 })
        {
            return Range("workers", Invariant($"workers: expected 1..256, \"auto\" or null; found {o.Workers}."));
        }

        if (o.MaxWorkers is < 1 or > 256)
        {
            return Range("maxWorkers", Invariant($"maxWorkers: expected 1..256 or null; found {o.MaxWorkers}."));
        }

        if (o.MaxWorkers is not null && o.Workers is not { IsAuto: true })
        {
            return Invalid("maxWorkers", Invariant($"maxWorkers: expected workers \"auto\" (a fixed count starts exactly that many threads); found workers {o.Workers?.ToString() ?? "null"}."));
        }

        if (o.Prefetch is < 1 or > 4096)
        {
            return Range("prefetch", Invariant($"prefetch: expected 1..4096 or null; found {o.Prefetch}."));
        }

        if (o.MemoryBudget <= 0)
        {
            return Range("memoryBudget", Invariant($"memoryBudget: expected a positive number of bytes; found {o.MemoryBudget}."));
        }

        if (o.Remote is null)
        {
            return Invalid("remote", "remote: expected an object or no key; found null.");
        }

        if (RemoteOptions.Check(o.Remote, "remote") is { } remote)
        {
            return Range("remote." + remote[7..remote.IndexOf(':', StringComparison.Ordinal)], remote);
        }

        if (o.ShuffleBlock is { } block)
        {
            if (o.Sampler != SamplerKind.Permutation || o.Starts is not null)
            {
                return Invalid("shuffleBlock", Invariant($"shuffleBlock: expected the permutation sampler without explicit starts; found sampler {o.Sampler.ToString().ToLowerInvariant()}{(o.Starts is null ? string.Empty : " with starts")}."));
            }

            if (block.Chunks is < 1 or > 65536)
            {
                return Range("shuffleBlock.chunks", Invariant($"shuffleBlock.chunks: expected 1..65536; found {block.Chunks}."));
            }

            if (block.Rows is < 1)
            {
                return Range("shuffleBlock.rows", Invariant($"shuffleBlock.rows: expected >= 1 or null; found {block.Rows}."));
            }
        }

        if (o.ChunkCache is < 0)
        {
            return Range("chunkCache", Invariant($"chunkCache: expected a number of bytes >= 0 or null; found {o.ChunkCache}."));
        }

        if (o.OutputType is { } output && !Enum.IsDefined(output))
        {
            return Range("outputType", Invariant($"outputType: expected an element type; found {output}."));
        }

        if (!Enum.IsDefined(o.Io))
        {
            return Range("io", Invariant($"io: expected pread or mmap; found {o.Io}."));
        }

        if (o.ReadAhead is < 0 or > 64)
        {
            return Range("readAhead", Invariant($"readAhead: expected 0..64; found {o.ReadAhead}."));
        }

        if (!Enum.IsDefined(o.PageCache))
        {
            return Range("pageCache", Invariant($"pageCache: expected default or dropAfterRead; found {o.PageCache}."));
        }

        if (o.Rank is < 0)
        {
            return Range("rank", Invariant($"rank: expected >= 0; found {o.Rank}."));
        }

        if (o.WorldSize is < 1)
        {
            return Range("worldSize", Invariant($"worldSize: expected >= 1; found {o.WorldSize}."));
        }

        if (o.Rank is { } r && o.WorldSize is { } w && r >= w)
        {
            return Range("rank", Invariant($"rank: expected 0..worldSize-1 ({w - 1}); found {r}."));
        }

        if (!Enum.IsDefined(o.EvenRanks))
        {
            return Range("evenRanks", Invariant($"evenRanks: expected drop or pad; found {o.EvenRanks}."));
        }

        if (!Enum.IsDefined(o.Missing))
        {
            return Range("missing", Invariant($"missing: expected keep, skipWindows or fill; found {o.Missing}."));
        }

        if (o.FillValue is { } fill && !double.IsFinite(fill))
        {
            return Range("fillValue", Invariant($"fillValue: expected a finite number or null; found {fill}."));
        }

        if (Sampling.RowRestriction.Check(o) is { } restriction)
        {
            return restriction;
        }

        if (o.StridedWindows && (o.Sampler != SamplerKind.Sequential || o.Starts is not null))
        {
            return Invalid("stridedWindows", Invariant($"stridedWindows: expected sampler sequential without explicit starts (a strided view needs evenly spaced windows); found {(o.Starts is not null ? "explicit starts" : "sampler " + o.Sampler.ToString().ToLowerInvariant())}."));
        }

        if (o.StridedWindows && (o.Dilation != 1 || (o.Target?.LeadTime ?? 0) != 0 || o.Inputs is not null))
        {
            return Invalid("stridedWindows", Invariant($"stridedWindows: expected plain windows (dilation 1, no target.leadTime, one input); found {(o.Dilation != 1 ? $"dilation {o.Dilation}" : o.Inputs is not null ? "inputs" : $"target.leadTime {o.Target!.LeadTime}")}."));
        }

        if (o.Inputs is not null && (o.Normalize is not null || o.Missing == MissingValues.Fill))
        {
            return Invalid("inputs", Invariant($"inputs: expected no normalize and no missing: fill (not supported with aligned inputs yet); found {(o.Normalize is not null ? "normalize" : "missing: fill")}."));
        }

        if (CheckNormalize(o) is { } normalize)
        {
            return normalize;
        }

        return o.Target is { } target ? CheckTarget(target) : null;
    }

    private static OptionViolation? CheckNormalize(WindowLoaderOptions o)
    {
        if (o.Normalize is { } normalize)
        {
            if (string.IsNullOrWhiteSpace(normalize.Stats))
            {
                return Invalid("normalize.stats", $"normalize.stats: expected the path of a statistics file (windowds stats); found {(normalize.Stats is null ? "none" : $"'{normalize.Stats}'")}.");
            }

            if (!Enum.IsDefined(normalize.Method))
            {
                return Range("normalize.method", Invariant($"normalize.method: expected standard, minMax or none; found {normalize.Method}."));
            }

            if (normalize.Method != NormalizeMethod.None && o.OutputType is { } output && output is not (ElementType.Float32 or ElementType.Float64))
            {
                return Invalid("outputType", $"outputType: expected float32 or float64 with normalize; found {ElementTypeInfo.Name(output)}.");
            }
        }
        else if (o is { Missing: MissingValues.Fill, FillValue: null })
        {
            return Invalid("missing", "missing: fill without fillValue needs normalize.stats (the column means); found none.");
        }

        return null;
    }

    private static OptionViolation? CheckTarget(TargetOptions target)
    {
        if (!Enum.IsDefined(target.Kind))
        {
            return Range("target.kind", Invariant($"target.kind: expected none, next or file; found {target.Kind}."));
        }

        if (target is { Kind: TargetKind.Next, Horizon: < 1 })
        {
            return Range("target.horizon", Invariant($"target.horizon: expected >= 1; found {target.Horizon}."));
        }

        if (target is { Kind: TargetKind.File, Source: null })
        {
            return Invalid("target.source", "target.source: expected the labels array for kind 'file'; found none.");
        }

        return target is { Kind: TargetKind.File, Source: { } labels } ? CheckSource(labels, "target.source") : null;
    }

    internal static OptionViolation? CheckSource(SourceOptions source, string key)
    {
        if ((source.Paths is null || source.Paths.Count == 0) && string.IsNullOrWhiteSpace(source.Glob))
        {
            return Invalid(key + ".paths", $"{key}: expected at least one path or a glob; found none.");
        }

        for (int i = 0; source.Paths is not null && i < source.Paths.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(source.Paths[i]))
            {
                string path = Invariant($"{key}.paths[{i}]");
                return Invalid(path, $"{path}: expected a file path; found {(source.Paths[i] is null ? "null" : $"'{source.Paths[i]}'")}.");
            }
        }

        if (!Enum.IsDefined(source.Format))
        {
            return Range(key + ".format", Invariant($"{key}.format: expected auto, npy, raw, hdf5 or zarr; found {source.Format}."));
        }

        if (source.DType is { } dtype && !string.IsNullOrWhiteSpace(dtype) && !ElementTypeInfo.TryParse(dtype, out _, out _))
        {
            return Invalid(key + ".dtype", $"{key}.dtype: expected one of {DTypes}; found '{dtype}'.");
        }

        for (int i = 0; source.RowShape is not null && i < source.RowShape.Count; i++)
        {
            if (source.RowShape[i] <= 0)
            {
                string path = Invariant($"{key}.rowShape[{i}]");
                return Range(path, Invariant($"{path}: expected dimensions > 0; found {source.RowShape[i]}."));
            }
        }

        if (source.HeaderOffset < 0)
        {
            return Range(key + ".headerOffset", Invariant($"{key}.headerOffset: expected >= 0; found {source.HeaderOffset}."));
        }

        if (source.Rows is <= 0)
        {
            return Range(key + ".rows", Invariant($"{key}.rows: expected > 0 or null; found {source.Rows}."));
        }

        return null;
    }

    private static OptionViolation Range(string key, string message) => new(key, message, OutOfRange: true);

    private static OptionViolation Invalid(string key, string message) => new(key, message, OutOfRange: false);
}
