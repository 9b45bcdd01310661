using System.Diagnostics;
using System.Globalization;

namespace TrainingSample.Torch;

/// <summary>
/// The training loop's per-batch data waits in fixed buckets (10 us .. 20 ms and above), so a summary tells a steady
/// per-batch cost (delivering the batch on the training thread) from rare stalls (the thread preempted inside
/// <c>MoveNext</c>). The run's first request is start-up and is kept apart (<see cref="FirstSeconds"/>).
/// </summary>
internal sealed class WaitHistogram
{
    /// <summary>Upper bounds of the buckets in microseconds; one more bucket holds the waits above the last.</summary>
    private static readonly long[] s_boundsUs = [10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000];

    /// <summary>A wait this long or longer is a stall: far more than delivering a batch costs.</summary>
    private static readonly long s_stallTicks = Stopwatch.Frequency / 1000;

    private readonly long[] _bounds = new long[s_boundsUs.Length];
    private readonly long[] _counts = new long[s_boundsUs.Length + 1];
    private long _maxTicks;
    private long _stallTicks;

    public WaitHistogram()
    {
        for (int i = 0; i < _bounds.Length; i++)
        {
            _bounds[i] = s_boundsUs[i] * Stopwatch.Frequency / 1_000_000;
        }
    }

    /// <summary>The wait for the run's first batch (the loader starting while the model is built).</summary>
    public double FirstSeconds { get; set; }

    /// <summary>Batches counted (all but the first).</summary>
    public long Count { get; private set; }

    /// <summary>Waits of 1 ms or more.</summary>
    public long Stalls { get; private set; }

    /// <summary>Their total.</summary>
    public double StallSeconds => (double)_stallTicks / Stopwatch.Frequency;

    /// <summary>The longest wait.</summary>
    public double MaxSeconds => (double)_maxTicks / Stopwatch.Frequency;

    /// <summary>Counts one batch's wait.</summary>
    public void Add(long ticks)
    {
        int bucket = 0;
        while (bucket < _bounds.Length && ticks >= _bounds[bucket])
        {
            bucket++;
        }

        _counts[bucket]++;
        Count++;
        _maxTicks = Math.Max(_maxTicks, ticks);
        if (ticks >= s_stallTicks)
        {
            Stalls++;
            _stallTicks += ticks;
        }
    }

    /// <summary>The buckets by upper bound ("&lt;10us" .. "&lt;20ms", "&gt;=20ms"), empty ones included.</summary>
    public Dictionary<string, long> ToDictionary()
    {
        var buckets = new Dictionary<string, long>(_counts.Length);
        for (int i = 0; i < _counts.Length; i++)
        {
            long bound = s_boundsUs[Math.Min(i, s_boundsUs.Length - 1)];
            string label = bound >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{bound / 1000}ms") : string.Create(CultureInfo.InvariantCulture, $"{bound}us");
            buckets[(i < s_boundsUs.Length ? "<" : ">=") + label] = _counts[i];
        }

        return buckets;
    }
}
