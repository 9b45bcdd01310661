using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WindowDataset.Diagnostics;

/// <summary>
/// The loader's counters: process-wide <see cref="System.Diagnostics.Metrics"/> instruments on the meter
/// <c>WindowDataset</c> (visible in <c>dotnet-counters monitor --counters WindowDataset</c>), and per-loader totals
/// for <see cref="WindowLoader.GetStatistics"/>.
/// </summary>
internal sealed class LoaderMetrics
{
    public const string MeterName = "WindowDataset";

    private static readonly Meter s_meter = new(MeterName, "1.0");
    private static readonly Counter<long> s_batches = s_meter.CreateCounter<long>("windowdataset.batches", "{batch}", "Batches delivered to consumers.");
    private static readonly Counter<long> s_windows = s_meter.CreateCounter<long>("windowdataset.windows", "{window}", "Windows delivered to consumers.");
    private static readonly Counter<long> s_bytes = s_meter.CreateCounter<long>("windowdataset.bytes", "By", "Bytes delivered to consumers.");
    private static readonly Counter<double> s_consumerWait = s_meter.CreateCounter<double>("windowdataset.consumer_wait", "s", "Time consumers waited for data.");
    private static readonly Counter<double> s_producerWait = s_meter.CreateCounter<double>("windowdataset.producer_wait", "s", "Time workers waited for a free buffer.");

    private long _batches;
    private long _windows;
    private long _bytes;
    private long _elapsedTicks;
    private long _consumerWaitTicks;
    private long _producerWaitTicks;
    private long _runStart;

    public void Delivered(int windows, long bytes)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _windows, windows);
        Interlocked.Add(ref _bytes, bytes);
        s_batches.Add(1);
        s_windows.Add(windows);
        s_bytes.Add(bytes);
    }

    public void ConsumerWaited(long stopwatchTicks)
    {
        Interlocked.Add(ref _consumerWaitTicks, stopwatchTicks);
        s_consumerWait.Add(stopwatchTicks / (double)Stopwatch.Frequency);
    }

    public void ProducerWaited(long stopwatchTicks)
    {
        Interlocked.Add(ref _producerWaitTicks, stopwatchTicks);
        s_producerWait.Add(stopwatchTicks / (double)Stopwatch.Frequency);
    }

    /// <summary>An enumeration started (its time counts in <see cref="Snapshot"/> while it runs).</summary>
    public void RunStarted(long timestamp) => Interlocked.Exchange(ref _runStart, timestamp);

    /// <summary>The enumeration that started at <paramref name="startTimestamp"/> ended.</summary>
    public void RunEnded(long startTimestamp, long endTimestamp)
    {
        Interlocked.CompareExchange(ref _runStart, 0, startTimestamp);
        Interlocked.Add(ref _elapsedTicks, endTimestamp - startTimestamp);
    }

    public LoaderStatistics Snapshot() => new()
    {
        Batches = Interlocked.Read(ref _batches),
        Windows = Interlocked.Read(ref _windows),
        Bytes = Interlocked.Read(ref _bytes),
        Elapsed = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _elapsedTicks) + (Interlocked.Read(ref _runStart) is long start and not 0 ? Stopwatch.GetTimestamp() - start : 0)),
        ConsumerWait = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _consumerWaitTicks)),
        ProducerWait = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _producerWaitTicks)),
    };
}
