using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using WindowDataset.Cli.CommandLine;

namespace WindowDataset.Cli.Commands;

/// <summary>
/// <c>windowds stats &lt;path&gt;... [--rows S:E] --out A.stats.json</c>: per element of the row, the count, mean,
/// std, min, max and NaN/inf count of the rows, in one streaming pass; prints rows, bytes, seconds and GB/s.
/// </summary>
internal sealed class StatsCommand : VerbCommand
{
    private readonly SourceArguments _source = new("stats");
    private readonly Option<string?> _out = CliOptions.Text("--out", "FILE", "where the statistics JSON goes (the file normalize.stats names)", required: true);
    private readonly Option<string?> _rows = CliOptions.Text("--rows", "S:E", "only rows S (inclusive) to E (exclusive), e.g. the training range; either side may be empty");
    private readonly Option<bool> _json = CliOptions.Flag("--json", "the summary as one machine-readable JSON object");

    public StatsCommand()
        : base("stats", "Computes per-element statistics of an array's rows (count, mean, std, min, max and NaN/inf count of each element of the row) in one streaming pass, and writes them as JSON for normalize.stats.", "at least one input file")
    {
        _source.AddTo(this, _out, _rows, _json);
    }

    public override int Execute(ParseResult result, CommandContext context, CancellationToken cancellationToken)
    {
        string output = result.GetValue(_out)!;
        SourceOptions source = _source.Bind(result);
        (long? start, long? end) = ParseRows(result.GetValue(_rows));
        OutputPath.EnsureDirectory(output, "--out");
        ArrayInfo info = ArrayInfo.Read(source);
        var clock = Stopwatch.StartNew();
        ArrayStatistics stats = ArrayStatistics.Compute(source, start, end, cancellationToken: cancellationToken);

        double seconds = clock.Elapsed.TotalSeconds;
        stats.Save(output);
        long bytes = stats.Rows * info.RowBytes;
        double gbPerSecond = seconds > 0 ? bytes / seconds / 1e9 : 0;
        if (result.GetValue(_json))
        {
            WriteJson(context.Out, stats, output, bytes, seconds, gbPerSecond);
            return CliApp.Success;
        }

        long missing = 0;
        foreach (long n in stats.NanCount)
        {
            missing += n;
        }

        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{output}: rows {stats.RowStart}..{stats.RowStart + stats.Rows} ({stats.Rows} rows of {stats.Mean.Count} elements), {bytes} bytes in {seconds:F3} s = {gbPerSecond:F2} GB/s; {missing} NaN/inf values."));
        return CliApp.Success;
    }

    /// <summary>"S:E", "S:", ":E" (E exclusive) to a range; null sides mean the array's ends.</summary>
    internal static (long? Start, long? End) ParseRows(string? text)
    {
        if (text is null)
        {
            return (null, null);
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        long s = 0, e = 0;
        bool ok = colon >= 0
            && (colon == 0 || long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out s))
            && (colon == text.Length - 1 || long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out e));
        if (!ok)
        {
            throw new UsageException($"stats: option '--rows': expected S:E (rows S to E, E exclusive; either side may be empty); found '{text}'.");
        }

        return (colon == 0 ? null : s, colon == text.Length - 1 ? null : e);
    }

    private static void WriteJson(TextWriter output, ArrayStatistics stats, string path, long bytes, double seconds, double gbPerSecond)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("out", path);
            w.WriteString("source", stats.Source);
            w.WriteNumber("row_start", stats.RowStart);
            w.WriteNumber("rows", stats.Rows);
            w.WriteNumber("elements", stats.Mean.Count);
            w.WriteNumber("bytes", bytes);
            w.WriteNumber("seconds", seconds);
            w.WriteNumber("gb_per_s", gbPerSecond);
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
