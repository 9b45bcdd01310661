using WindowDataset.Conversion;
using WindowDataset.Sources;

namespace WindowDataset.Statistics;

/// <summary>Turns <c>normalize</c> and <c>missing: fill</c> into the <see cref="RowTransform"/> the input reader fuses into its conversion.</summary>
internal static class NormalizePlan
{
    /// <summary>
    /// The batches' type when <c>outputType</c> is not set: the file's, except that a normalized source that is
    /// not float32 or float64 gives float32.
    /// </summary>
    public static ElementType DefaultOutputType(WindowLoaderOptions options, ElementType file) =>
        options.Normalize is { Method: not NormalizeMethod.None } && file is not (ElementType.Float32 or ElementType.Float64) ? ElementType.Float32 : file;

    /// <summary>The transform for the input rows, or null when the options ask for none (or a fill has nothing to replace: integer files).</summary>
    public static RowTransform? Build(WindowLoaderOptions options, ArraySource source, ElementType output)
    {
        bool normalize = options.Normalize is { Method: not NormalizeMethod.None };
        bool floats = source.ElementType is ElementType.Float64 or ElementType.Float32 or ElementType.Float16;
        bool fill = options.Missing == MissingValues.Fill && floats;
        if (!normalize && !fill)
        {
            return null;
        }

        if (output is not (ElementType.Float32 or ElementType.Float64))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"outputType: expected float32 or float64 with normalize or missing 'fill'; found {ElementTypeInfo.Name(output)}.");
        }

        ArrayStatistics? stats = options.Normalize?.Stats is { } path ? Load(path, source) : null;
        int e = (int)source.RowElements;
        double[] center = [], scale = [], fillValues = [];
        if (normalize)
        {
            center = new double[e];
            scale = new double[e];
            bool minMax = options.Normalize!.Method == NormalizeMethod.MinMax;
            for (int j = 0; j < e; j++)
            {
                double c = minMax ? stats!.MinArray[j] : stats!.MeanArray[j];
                double width = minMax ? stats.MaxArray[j] - stats.MinArray[j] : stats.StdArray[j];
                center[j] = double.IsFinite(c) ? c : 0;
                scale[j] = double.IsFinite(width) && width > 0 ? 1.0 / width : 1.0;
            }
        }

        if (fill)
        {
            fillValues = new double[e];
            for (int j = 0; j < e; j++)
            {
                double mean = stats?.MeanArray[j] ?? 0;
                fillValues[j] = options.FillValue ?? (double.IsFinite(mean) ? mean : 0);
            }
        }

        return new RowTransform(e, center, scale, fillValues);
    }

    private static ArrayStatistics Load(string path, ArraySource source)
    {
        ArrayStatistics stats = ArrayStatistics.Load(path);
        if (!stats.RowShapeArray.AsSpan().SequenceEqual(source.RowShape))
        {
            throw new InvalidDataException($"{path}: rowShape: expected {ArrayStatistics.ShapeText(source.RowShape)} (the source's); found {ArrayStatistics.ShapeText(stats.RowShapeArray)}.");
        }

        return stats;
    }
}
