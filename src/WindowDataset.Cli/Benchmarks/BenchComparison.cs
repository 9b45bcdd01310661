using System.Globalization;
using System.Text;
using System.Text.Json;
using WindowDataset.Cli.Commands;
using WindowDataset.Cli.Output;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>
/// Comparisons between the variants of one invocation, for each io x cache: the first sampler against each other
/// sampler (delivered GB/s ratio, bytes read per byte delivered), and coalescing on against off. Written after all
/// configurations; nothing when the invocation measured a single variant.
/// </summary>
internal sealed class BenchComparison
{
    private readonly List<(BenchConfiguration Configuration, BenchReport Report)> _results = [];

    public void Add(BenchConfiguration configuration, BenchReport report) => _results.Add((configuration, report));

    public void Write(TextWriter output, bool json)
    {
        foreach (var group in _results.GroupBy(r => (r.Configuration.Io, r.Configuration.Cold)))
        {
            var list = group.ToList();
            if (list.Count < 2)
            {
                continue;
            }

            BenchVariant first = list[0].Configuration.Variant;
            foreach (var other in list.Skip(1))
            {
                BenchVariant v = other.Configuration.Variant;
                if (v.Coalesce == first.Coalesce && (v.Sampler != first.Sampler || v.Stride != first.Stride))
                {
                    Write(output, json, "sampler", group.Key.Io, group.Key.Cold, list[0], other);
                }
            }

            foreach (var on in list.Where(r => r.Configuration.Variant.Coalesce))
            {
                BenchVariant v = on.Configuration.Variant;
                var off = list.FirstOrDefault(r => r.Configuration.Variant == v with { Coalesce = false });
                if (off.Report is not null)
                {
                    Write(output, json, "coalesce", group.Key.Io, group.Key.Cold, on, off);
                }
            }
        }
    }

    private static void Write(TextWriter output, bool json, string kind, IoMode io, bool cold, (BenchConfiguration Configuration, BenchReport Report) a, (BenchConfiguration Configuration, BenchReport Report) b)
    {
        var sa = a.Report.Summary();
        var sb = b.Report.Summary();
        double ratio = sb.GbPerSecond > 0 ? sa.GbPerSecond / sb.GbPerSecond : 0;
        static double Per(long? read, long delivered) => read is { } r && delivered > 0 ? (double)r / delivered : double.NaN;
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("comparison", kind);
                w.WriteString("io", LoaderConfig.Name(io));
                w.WriteString("cache", cold ? "cold" : "warm");
                w.WriteString("a", a.Configuration.Variant.Name);
                w.WriteString("b", b.Configuration.Variant.Name);
                w.WriteNumber("a_gb_per_second", sa.GbPerSecond);
                w.WriteNumber("b_gb_per_second", sb.GbPerSecond);
                w.WriteNumber("gb_per_second_ratio", ratio);
                w.WriteNumber("a_bytes_delivered", sa.BytesDelivered);
                w.WriteNumber("b_bytes_delivered", sb.BytesDelivered);
                w.WriteNumber("a_loader_bytes_read", sa.LoaderBytesRead);
                w.WriteNumber("b_loader_bytes_read", sb.LoaderBytesRead);
                Nullable(w, "a_storage_bytes_read", sa.StorageBytesRead);
                Nullable(w, "b_storage_bytes_read", sb.StorageBytesRead);
                Nullable(w, "a_storage_read_per_delivered", Per(sa.StorageBytesRead, sa.BytesDelivered));
                Nullable(w, "b_storage_read_per_delivered", Per(sb.StorageBytesRead, sb.BytesDelivered));
                w.WriteNumber("a_loader_read_per_delivered", Per(sa.LoaderBytesRead, sa.BytesDelivered));
                w.WriteNumber("b_loader_read_per_delivered", Per(sb.LoaderBytesRead, sb.BytesDelivered));
                w.WriteEndObject();
            }

            output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(kind == "coalesce" ? "coalescing" : "sampler")}: {a.Configuration.Variant.Name} against {b.Configuration.Variant.Name}, io={LoaderConfig.Name(io)} cache={(cold ? "cold" : "warm")}: {Units.Number(sa.GbPerSecond, 3)} against {Units.Number(sb.GbPerSecond, 3)} GB/s delivered (x{ratio:F2}); bytes read per byte delivered: storage {Per(sa.StorageBytesRead, sa.BytesDelivered):F3} against {Per(sb.StorageBytesRead, sb.BytesDelivered):F3}, loader {Per(sa.LoaderBytesRead, sa.BytesDelivered):F3} against {Per(sb.LoaderBytesRead, sb.BytesDelivered):F3}"));
    }

    private static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
