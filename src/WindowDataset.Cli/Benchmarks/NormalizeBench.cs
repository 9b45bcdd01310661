using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>
/// <c>windowds bench --normalize STATS</c>: the cost of the fused normalization. The same loader options run as
/// plain float32 and as float32 + normalize (standard), alternately in one process on warm data, so both see the
/// same page cache and the same noise; prints both rates (the median of the runs) and their ratio.
/// </summary>
internal static class NormalizeBench
{
    public static void Run(WindowLoaderOptions options, string stats, int repeat, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        WindowLoaderOptions plain = options.Clone();
        plain.OutputType = ElementType.Float32;
        plain.Normalize = null;
        WindowLoaderOptions normalized = plain.Clone();
        normalized.Normalize = new NormalizeOptions { Stats = Path.GetFullPath(stats), Method = NormalizeMethod.Standard };

        using var plainLoader = new WindowLoader(plain);
        using var normalizedLoader = new WindowLoader(normalized);
        long windows = Epoch(plainLoader, 0, cancellationToken).Windows; // warms the page cache
        _ = Epoch(normalizedLoader, 0, cancellationToken);
        int runs = Math.Max(3, repeat);
        double[] plainRates = new double[runs], normalizedRates = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            plainRates[r] = Epoch(plainLoader, 0, cancellationToken).Rate; // the warmed windows: both read the same starts
            normalizedRates[r] = Epoch(normalizedLoader, 0, cancellationToken).Rate;
        }

        double plainRate = Median(plainRates), normalizedRate = Median(normalizedRates);
        double ratio = normalizedRate / plainRate;
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("dtype", "float32");
                w.WriteNumber("windows", windows);
                w.WriteNumber("runs", runs);
                w.WriteNumber("windows_per_s", plainRate);
                w.WriteNumber("normalize_windows_per_s", normalizedRate);
                w.WriteNumber("normalize_ratio", ratio);
                w.WriteEndObject();
            }

            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"normalize: {windows} windows x {runs} runs (median), window {plain.Window}, batch {plain.BatchSize}: float32 {plainRate:F0} windows/s; float32 + normalize {normalizedRate:F0} windows/s; ratio {ratio:F3}."));
    }

    private static (long Windows, double Rate) Epoch(WindowLoader loader, long epoch, CancellationToken cancellationToken)
    {
        long windows = 0;
        var clock = Stopwatch.StartNew();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(epoch), cancellationToken))
        {
            windows += batch.Count;
        }

        return (windows, windows / clock.Elapsed.TotalSeconds);
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
