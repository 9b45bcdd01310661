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

    private static readonly UpDownCounter<long> s_activeWorkers = s_meter.CreateUpDownCounter<long>("windowdataset.workers.active", "{thread}", "Worker threads claiming batches (all loaders of the process).");
    private static readonly Counter<long> s_workerChanges = s_meter.CreateCounter<long>("windowdataset.workers.changes", "{decision}", "Changes of the active worker count by adaptive loaders (tag direction: up or down).");

    private const int DecisionsKept = 16;

    private readonly Lock _workerGate = new();
    private readonly Queue<WorkerDecision> _decisions = new();
    private int _workers;
    private bool _adaptive;
    private int _active;
    private long _activeSince;
    private long _activeTicks;
    private long _increases;
    private long _decreases;

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

    /// <summary>The active count the last enumeration ended with (0 before any): the next adaptive run starts there.</summary>
    public int LastActiveWorkers
    {
        get
        {
            lock (_workerGate)
            {
                return _active;
            }
        }
    }

    /// <summary>An enumeration started <paramref name="workers"/> threads, <paramref name="active"/> of them claiming batches.</summary>
    public void WorkersStarted(int workers, int active, bool adaptive, long timestamp)
    {
        lock (_workerGate)
        {
            (_workers, _active, _adaptive, _activeSince) = (workers, active, adaptive, timestamp);
        }

        s_activeWorkers.Add(active);
    }

    /// <summary>The adaptive controller changed the active count.</summary>
    public void WorkersChanged(int from, int to, double waitShare, double busyShare, long timestamp)
    {
        TimeSpan at = Counters().Elapsed;
        lock (_workerGate)
        {
            _activeTicks += (timestamp - _activeSince) * _active;
            (_active, _activeSince) = (to, timestamp);
            if (to > from)
            {
                _increases++;
            }
            else
            {
                _decreases++;
            }

            if (_decisions.Count == DecisionsKept)
            {
                _decisions.Dequeue();
            }

            _decisions.Enqueue(new WorkerDecision(at, from, to, waitShare, busyShare));
        }

        s_activeWorkers.Add(to - from);
        s_workerChanges.Add(1, new KeyValuePair<string, object?>("direction", to > from ? "up" : "down"));
    }

    /// <summary>The enumeration's workers stopped (call before <see cref="RunEnded"/>).</summary>
    public void WorkersStopped(long timestamp)
    {
        int active;
        lock (_workerGate)
        {
            _activeTicks += (timestamp - _activeSince) * _active;
            _activeSince = 0;
            active = _active;
        }

        s_activeWorkers.Add(-active);
    }

    public LoaderStatistics Snapshot()
    {
        LoaderStatistics counters = Counters();
        lock (_workerGate)
        {
            long activeTicks = _activeTicks + (_activeSince != 0 ? (Stopwatch.GetTimestamp() - _activeSince) * _active : 0);
            double elapsed = counters.Elapsed.TotalSeconds;
            return counters with
            {
                Workers = _workers,
                AdaptiveWorkers = _adaptive,
                ActiveWorkers = _active,
                MeanActiveWorkers = elapsed > 0 ? activeTicks / (double)Stopwatch.Frequency / elapsed : _active,
                WorkerIncreases = _increases,
                WorkerDecreases = _decreases,
                WorkerDecisions = [.. _decisions],
            };
        }
    }

    private LoaderStatistics Counters() => new()
    {
        Batches = Interlocked.Read(ref _batches),
        Windows = Interlocked.Read(ref _windows),
        Bytes = Interlocked.Read(ref _bytes),
        Elapsed = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _elapsedTicks) + (Interlocked.Read(ref _runStart) is long start and not 0 ? Stopwatch.GetTimestamp() - start : 0)),
        ConsumerWait = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _consumerWaitTicks)),
        ProducerWait = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _producerWaitTicks)),
    };
}
