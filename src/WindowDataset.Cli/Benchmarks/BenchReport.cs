using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using WindowDataset.Cli.Benchmarks.Baselines;
using WindowDataset.Cli.Commands;
using WindowDataset.Cli.Output;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>
/// The figures of one configuration: per run and the median over runs. Rates are windows (or bytes) over the
/// method's wall time; "ratio" is the loader's windows/s divided by the baseline's, on the same windows.
/// Baseline GB/s count file bytes; the loader's GB/s count output bytes (they differ with --dtype float32).
/// </summary>
internal sealed class BenchReport
{
    private readonly BenchConfiguration _c;
    private readonly IReadOnlyList<RunResult> _runs;

    public BenchReport(BenchConfiguration configuration, IReadOnlyList<RunResult> runs)
    {
        _c = configuration;
        _runs = runs;
    }

    public void WriteJson(TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("io", LoaderConfig.Name(_c.Io));
            w.WriteString("cache", _c.Cold ? "cold" : "warm");
            w.WriteString("page_cache", _c.PageCache == PageCachePolicy.DropAfterRead ? "drop" : "default");
            w.WriteString("dtype", ElementTypeInfo.Name(_c.OutputType));
            w.WriteString("file_dtype", ElementTypeInfo.Name(_c.FileType));
            w.WriteNumber("window", _c.Window);
            w.WriteNumber("batch", _c.BatchSize);
            w.WriteNumber("workers", _c.Workers);
            w.WriteNumber("count", _c.Plan.Count);
            w.WriteNumber("rows", _c.Rows);
            w.WriteNumber("file_bytes", _c.FileBytes);
            w.WriteNumber("window_bytes", _c.WindowBytes);
            w.WriteNumber("file_window_bytes", _c.Plan.FileWindowBytes);
            w.WriteNumber("memory_budget_bytes", _c.MemoryBudget);
            w.WriteNumber("buffer_count", _c.BufferCount);
            w.WriteNumber("batch_bytes", _c.BatchBytes);
            w.WriteNumber("step_ms", _c.StepMs);
            w.WriteString("step_mode", _c.StepSpin ? "spin" : "sleep");
            w.WriteNumber("repeat", _runs.Count);
            w.WriteString("sampler", _c.Variant.Sampler.ToString().ToLowerInvariant());
            w.WriteNumber("stride", _c.Variant.Stride);
            w.WriteBoolean("coalesce", _c.Variant.Coalesce);
            w.WriteBoolean("strided_windows", _c.StridedWindows);
            WriteCeilings(w, _c.Ceilings);
            WriteRun(w, Median());
            w.WriteStartArray("runs");
            foreach (RunFigures run in _runs.Select(Figures))
            {
                w.WriteStartObject();
                WriteRun(w, run);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    public void WriteTable(TextWriter o)
    {
        string budget = Units.Bytes(_c.MemoryBudget);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sampler={_c.Variant.Sampler.ToString().ToLowerInvariant()}{(_c.Variant.Sampler == SamplerKind.Sequential ? $" stride={_c.Variant.Stride}" : string.Empty)} coalesce={(_c.Variant.Coalesce ? "on" : "off")}{(_c.StridedWindows ? " strided-windows" : string.Empty)} io={LoaderConfig.Name(_c.Io)} cache={(_c.Cold ? "cold" : "warm")} page-cache={(_c.PageCache == PageCachePolicy.DropAfterRead ? "drop" : "default")} dtype={ElementTypeInfo.Name(_c.OutputType)} (file {ElementTypeInfo.Name(_c.FileType)}) window={_c.Window} batch={_c.BatchSize} workers={_c.Workers} count={_c.Plan.Count} budget={budget} ({_c.BufferCount} buffers x {Units.Bytes(_c.BatchBytes)}) step={_c.StepMs} ms runs={_runs.Count}"));
        RunFigures m = Median();
        Table table = TextTables.Create("method", "windows/s", "GB/s", "loader x");
        TextTables.AddRow(table, "loader", Units.Number(m.WindowsPerSecond, 0), Units.Number(m.GbPerSecond, 3), string.Empty);
        AddBaseline(table, "pread, 1 thread", m.Pread, m.WindowsPerSecond);
        AddBaseline(table, $"pread, {_c.Workers} threads", m.PreadThreads, m.WindowsPerSecond);
        AddBaseline(table, $"mmap+madvise {MadviseBaseline.Lookahead} ahead", m.Madvise, m.WindowsPerSecond);
        AddBaseline(table, "memcpy (ceiling)", m.Memcpy, m.WindowsPerSecond);
        AddBaseline(table, "ranged GET, 1 at a time", m.GetSerial, m.WindowsPerSecond);
        AddBaseline(table, "ranged GETs in parallel", m.GetParallel, m.WindowsPerSecond);
        if (_c.Ceilings is { } ceilings)
        {
            AddCeiling(table, "ceiling: memory copy (64 MiB)", ceilings.MemcpyGbPerSecond, m.GbPerSecond);
            AddCeiling(table, $"ceiling: sequential read ({Units.Bytes(ceilings.SequentialReadBytes)})", ceilings.SequentialReadGbPerSecond, m.GbPerSecond);
            AddCeiling(table, $"ceiling: random window reads, {_c.Workers} threads", ceilings.RandomReadGbPerSecond, m.GbPerSecond);
        }

        TextTables.Write(o, table);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  bytes: delivered {Units.Bytes(m.BytesDelivered)}, read by the loader {Units.Bytes(m.LoaderBytesRead)} ({m.LoaderReadPerDelivered:F3} per byte delivered), from storage {(m.StorageBytesRead is { } st ? $"{Units.Bytes(st)} ({m.StorageReadPerDelivered:F3} per byte delivered; /proc/self/io)" : "n/a")}"));
        string best = m.Best is { } b ? string.Create(CultureInfo.InvariantCulture, $"; best baseline {b.Name}: loader x{m.WindowsPerSecond / b.WindowsPerSecond:F2}") : string.Empty;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  first batch {m.FirstBatchMs:F1} ms, data wait {m.DataWaitShare:P1}{(m.ReadAmplification > 0 ? $", chunks decoded {m.ReadAmplification:F2} B per B delivered, cache hits {m.ChunkHitShare:P0}" : string.Empty)}, peak RSS {Units.Bytes(m.PeakRss)}, peak private {Units.Bytes(m.PeakPrivate)} (+{Units.Bytes(m.PeakPrivate - m.PrivateBefore)} over the {Units.Bytes(m.PrivateBefore)} before; budget {budget}){best}"));
        if (m.RemoteRequests > 0)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  remote: {m.RemoteRequests} requests ({(double)m.RemoteRequests / Math.Max(1, m.Windows):F2} per window), {m.FetchedPerDelivered:F2} bytes fetched per byte delivered, {m.RemoteRetries} retries{(m.WrongWindows is { } wrong ? $", {wrong} windows differing from the ranged GETs' bytes" : string.Empty)}"));
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  page cache growth {Units.Bytes(m.PageCacheGrowth)} (mincore){(m.CachedDelta is { } d ? $", Cached {(d >= 0 ? "+" : string.Empty)}{Units.Bytes(d)} (/proc/meminfo)" : string.Empty)}{(m.ColdResident is { } r ? $", resident after eviction {r:P2}" : string.Empty)}"));
        if (_runs.Count > 1)
        {
            Table runs = TextTables.Create("run", "loader windows/s", "GB/s", "first batch ms", "data wait");
            int i = 0;
            foreach (RunFigures f in _runs.Select(Figures))
            {
                TextTables.AddRow(runs, (++i).ToString(CultureInfo.InvariantCulture), Units.Number(f.WindowsPerSecond, 0), Units.Number(f.GbPerSecond, 3), Units.Number(f.FirstBatchMs, 1), f.DataWaitShare.ToString("P1", CultureInfo.InvariantCulture));
            }

            TextTables.Write(o, runs);
        }

        o.WriteLine();
    }

    private static void AddBaseline(Table table, string name, Rate? rate, double loader)
    {
        if (rate is { } r)
        {
            TextTables.AddRow(table, name, Units.Number(r.WindowsPerSecond, 0), Units.Number(r.GbPerSecond, 3), string.Create(CultureInfo.InvariantCulture, $"{loader / r.WindowsPerSecond:F2}"));
        }
    }

    private static void AddCeiling(Table table, string name, double? gbPerSecond, double loader)
    {
        if (gbPerSecond is { } g && g > 0)
        {
            TextTables.AddRow(table, name, string.Empty, Units.Number(g, 3), string.Create(CultureInfo.InvariantCulture, $"{loader / g:F2}"));
        }
    }

    private static void WriteCeilings(Utf8JsonWriter w, MachineCeilings? c)
    {
        WriteNullable(w, "ceiling_memcpy_gb_per_second", c?.MemcpyGbPerSecond);
        WriteNullable(w, "ceiling_sequential_read_gb_per_second", c?.SequentialReadGbPerSecond);
        WriteNullable(w, "ceiling_sequential_read_bytes", c?.SequentialReadBytes);
        WriteNullable(w, "ceiling_random_read_gb_per_second", c?.RandomReadGbPerSecond);
        WriteNullable(w, "ceiling_random_read_bytes", c?.RandomReadBytes);
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
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

    /// <summary>The median figures a comparison of configurations needs.</summary>
    public (double GbPerSecond, double WindowsPerSecond, long BytesDelivered, long LoaderBytesRead, long? StorageBytesRead) Summary()
    {
        RunFigures m = Median();
        return (m.GbPerSecond, m.WindowsPerSecond, m.BytesDelivered, m.LoaderBytesRead, m.StorageBytesRead);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static void WriteRun(Utf8JsonWriter w, RunFigures f)
    {
        w.WriteNumber("windows", f.Windows);
        w.WriteNumber("seconds", f.Seconds);
        w.WriteNumber("windows_per_second", f.WindowsPerSecond);
        w.WriteNumber("gb_per_second", f.GbPerSecond);
        w.WriteNumber("first_batch_ms", f.FirstBatchMs);
        w.WriteNumber("bytes_delivered", f.BytesDelivered);
        w.WriteNumber("loader_bytes_read", f.LoaderBytesRead);
        w.WriteNumber("loader_read_per_delivered", f.LoaderReadPerDelivered);
        WriteNullable(w, "storage_bytes_read", f.StorageBytesRead);
        WriteNullable(w, "storage_read_per_delivered", f.StorageBytesRead is null ? null : f.StorageReadPerDelivered);
        w.WriteNumber("data_wait_share", f.DataWaitShare);
        w.WriteNumber("read_amplification", f.ReadAmplification);
        w.WriteNumber("chunk_hit_share", f.ChunkHitShare);
        w.WriteNumber("producer_wait_share", f.ProducerWaitShare);
        WriteRate(w, "pread", f.Pread, f.WindowsPerSecond);
        WriteRate(w, "pread_mt", f.PreadThreads, f.WindowsPerSecond);
        WriteRate(w, "madvise", f.Madvise, f.WindowsPerSecond);
        WriteRate(w, "memcpy", f.Memcpy, f.WindowsPerSecond);
        WriteRate(w, "get_serial", f.GetSerial, f.WindowsPerSecond);
        WriteRate(w, "get_parallel", f.GetParallel, f.WindowsPerSecond);
        w.WriteNumber("remote_requests", f.RemoteRequests);
        w.WriteNumber("remote_retries", f.RemoteRetries);
        if (f.WrongWindows is { } wrong)
        {
            w.WriteNumber("wrong_windows", wrong);
        }
        else
        {
            w.WriteNull("wrong_windows");
        }

        w.WriteNumber("remote_bytes_fetched_per_byte", f.FetchedPerDelivered);
        if (f.Best is { } best)
        {
            w.WriteString("best_baseline", best.Name);
            w.WriteNumber("best_baseline_gb_per_second", best.GbPerSecond);
            w.WriteNumber("ratio_to_best", f.WindowsPerSecond / best.WindowsPerSecond);
        }
        else
        {
            w.WriteNull("best_baseline");
            w.WriteNull("best_baseline_gb_per_second");
            w.WriteNull("ratio_to_best");
        }

        w.WriteNumber("peak_rss_bytes", f.PeakRss);
        w.WriteNumber("peak_private_bytes", f.PeakPrivate);
        w.WriteNumber("peak_private_clean_bytes", f.PeakPrivateClean);
        w.WriteNumber("peak_anonymous_bytes", f.PeakAnonymous);
        w.WriteNumber("private_before_bytes", f.PrivateBefore);
        w.WriteNumber("private_growth_bytes", f.PeakPrivate - f.PrivateBefore);
        w.WriteBoolean("hwm_reset", f.HwmReset);
        w.WriteNumber("page_cache_growth_bytes", f.PageCacheGrowth);
        if (f.CachedDelta is { } d)
        {
            w.WriteNumber("meminfo_cached_delta_bytes", d);
        }
        else
        {
            w.WriteNull("meminfo_cached_delta_bytes");
        }

        if (f.ColdResident is { } r)
        {
            w.WriteNumber("cold_resident_fraction", r);
            w.WriteBoolean("evicted", r <= 0.01);
        }
        else
        {
            w.WriteNull("cold_resident_fraction");
            w.WriteNull("evicted");
        }
    }

    private static void WriteRate(Utf8JsonWriter w, string name, Rate? rate, double loader)
    {
        if (rate is { } r)
        {
            w.WriteNumber(name + "_baseline_gb_per_second", r.GbPerSecond);
            w.WriteNumber(name + "_baseline_windows_per_second", r.WindowsPerSecond);
            w.WriteNumber("ratio_to_" + name, loader / r.WindowsPerSecond);
        }
        else
        {
            w.WriteNull(name + "_baseline_gb_per_second");
            w.WriteNull(name + "_baseline_windows_per_second");
            w.WriteNull("ratio_to_" + name);
        }
    }

    private RunFigures Figures(RunResult r)
    {
        double seconds = r.LoaderTime.TotalSeconds;
        Rate? Of(TimeSpan? t, string name) => t is { } v && v > TimeSpan.Zero
            ? new Rate(name, _c.Plan.Count / v.TotalSeconds, _c.Plan.TotalFileBytes / v.TotalSeconds / 1e9)
            : null;
        Rate? pread = Of(r.Pread, "pread");
        Rate? threads = Of(r.PreadThreads, "pread_mt");
        Rate? madvise = Of(r.Madvise, "madvise");
        return new RunFigures
        {
            Windows = r.Windows,
            Seconds = seconds,
            WindowsPerSecond = seconds > 0 ? r.Windows / seconds : 0,
            GbPerSecond = seconds > 0 ? r.LoaderBytes / seconds / 1e9 : 0,
            FirstBatchMs = r.FirstBatchMs,
            BytesDelivered = r.LoaderBytes,
            LoaderBytesRead = r.LoaderBytesRead,
            StorageBytesRead = r.StorageBytesRead,
            DataWaitShare = r.DataWaitShare,
            ReadAmplification = r.ReadAmplification,
            ChunkHitShare = r.ChunkHitShare,
            GetSerial = Of(r.GetSerial, "get_serial"),
            GetParallel = Of(r.GetParallel, "get_parallel"),
            RemoteRequests = r.RemoteRequests,
            RemoteRetries = r.RemoteRetries,
            WrongWindows = r.WrongWindows,
            FetchedPerDelivered = r.RemoteBytesFetched > 0 && r.LoaderBytes > 0 ? (double)r.RemoteBytesFetched / r.LoaderBytes : 0,
            ProducerWaitShare = r.ProducerWaitShare,
            Pread = pread,
            PreadThreads = threads,
            Madvise = madvise,
            Memcpy = Of(r.Memcpy, "memcpy"),
            Best = new[] { pread, threads, madvise }.Where(x => x is not null).MaxBy(x => x!.Value.WindowsPerSecond),
            PeakRss = r.Peak.Rss,
            PeakPrivate = r.Peak.Private,
            PeakPrivateClean = r.Peak.PrivateClean,
            PeakAnonymous = r.Peak.Anonymous,
            PrivateBefore = r.Before.Private,
            HwmReset = r.HwmReset,
            PageCacheGrowth = r.PageCacheGrowthBytes,
            CachedDelta = r.CachedDeltaBytes,
            ColdResident = r.ColdResidentFraction,
        };
    }

    /// <summary>The median of every figure over the runs (each figure on its own; ratios are recomputed from the medians).</summary>
    private RunFigures Median()
    {
        RunFigures[] all = [.. _runs.Select(Figures)];
        Rate? MedianRate(Func<RunFigures, Rate?> pick, string name)
        {
            Rate[] rates = [.. all.Select(pick).Where(x => x is not null).Select(x => x!.Value)];
            return rates.Length == 0 ? null : new Rate(name, Median(rates.Select(x => x.WindowsPerSecond)), Median(rates.Select(x => x.GbPerSecond)));
        }

        Rate? pread = MedianRate(f => f.Pread, "pread");
        Rate? threads = MedianRate(f => f.PreadThreads, "pread_mt");
        Rate? madvise = MedianRate(f => f.Madvise, "madvise");
        return new RunFigures
        {
            Windows = all[0].Windows,
            Seconds = Median(all.Select(f => f.Seconds)),
            WindowsPerSecond = Median(all.Select(f => f.WindowsPerSecond)),
            GbPerSecond = Median(all.Select(f => f.GbPerSecond)),
            FirstBatchMs = Median(all.Select(f => f.FirstBatchMs)),
            BytesDelivered = (long)Median(all.Select(f => (double)f.BytesDelivered)),
            LoaderBytesRead = (long)Median(all.Select(f => (double)f.LoaderBytesRead)),
            StorageBytesRead = all.All(f => f.StorageBytesRead is not null) ? (long)Median(all.Select(f => (double)f.StorageBytesRead!.Value)) : null,
            DataWaitShare = Median(all.Select(f => f.DataWaitShare)),
            ReadAmplification = Median(all.Select(f => f.ReadAmplification)),
            ChunkHitShare = Median(all.Select(f => f.ChunkHitShare)),
            GetSerial = MedianRate(f => f.GetSerial, "get_serial"),
            GetParallel = MedianRate(f => f.GetParallel, "get_parallel"),
            RemoteRequests = (long)Median(all.Select(f => (double)f.RemoteRequests)),
            RemoteRetries = (long)Median(all.Select(f => (double)f.RemoteRetries)),
            WrongWindows = all.All(f => f.WrongWindows is null) ? null : all.Max(f => f.WrongWindows ?? 0),
            FetchedPerDelivered = Median(all.Select(f => f.FetchedPerDelivered)),
            ProducerWaitShare = Median(all.Select(f => f.ProducerWaitShare)),
            Pread = pread,
            PreadThreads = threads,
            Madvise = madvise,
            Memcpy = MedianRate(f => f.Memcpy, "memcpy"),
            Best = new[] { pread, threads, madvise }.Where(x => x is not null).MaxBy(x => x!.Value.WindowsPerSecond),
            PeakRss = all.Max(f => f.PeakRss),
            PeakPrivate = all.Max(f => f.PeakPrivate),
            PeakPrivateClean = all.Max(f => f.PeakPrivateClean),
            PeakAnonymous = all.Max(f => f.PeakAnonymous),
            PrivateBefore = all.Min(f => f.PrivateBefore),
            HwmReset = all.All(f => f.HwmReset),
            PageCacheGrowth = (long)Median(all.Select(f => (double)f.PageCacheGrowth)),
            CachedDelta = all.All(f => f.CachedDelta is not null) ? (long)Median(all.Select(f => (double)f.CachedDelta!.Value)) : null,
            ColdResident = all.All(f => f.ColdResident is not null) ? all.Max(f => f.ColdResident!.Value) : null,
        };
    }

    private readonly record struct Rate(string Name, double WindowsPerSecond, double GbPerSecond);

    private sealed record RunFigures
    {
        public long Windows { get; init; }

        public double Seconds { get; init; }

        public double WindowsPerSecond { get; init; }

        public double GbPerSecond { get; init; }

        public double FirstBatchMs { get; init; }

        public long BytesDelivered { get; init; }

        public long LoaderBytesRead { get; init; }

        public long? StorageBytesRead { get; init; }

        public double LoaderReadPerDelivered => BytesDelivered > 0 ? (double)LoaderBytesRead / BytesDelivered : 0;

        public double StorageReadPerDelivered => BytesDelivered > 0 && StorageBytesRead is { } s ? (double)s / BytesDelivered : 0;

        public double DataWaitShare { get; init; }

        public double ReadAmplification { get; init; }

        public double ChunkHitShare { get; init; }

        public Rate? GetSerial { get; init; }

        public Rate? GetParallel { get; init; }

        public long RemoteRequests { get; init; }

        public long RemoteRetries { get; init; }

        public long? WrongWindows { get; init; }

        public double FetchedPerDelivered { get; init; }

        public double ProducerWaitShare { get; init; }

        public Rate? Pread { get; init; }

        public Rate? PreadThreads { get; init; }

        public Rate? Madvise { get; init; }

        public Rate? Memcpy { get; init; }

        public Rate? Best { get; init; }

        public long PeakRss { get; init; }

        public long PeakPrivate { get; init; }

        public long PeakPrivateClean { get; init; }

        public long PeakAnonymous { get; init; }

        public long PrivateBefore { get; init; }

        public bool HwmReset { get; init; }

        public long PageCacheGrowth { get; init; }

        public long? CachedDelta { get; init; }

        public double? ColdResident { get; init; }
    }
}
