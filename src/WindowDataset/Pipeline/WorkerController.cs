using System.Diagnostics;

namespace WindowDataset.Pipeline;

/// <summary>
/// Decides how many of a loader's worker threads claim batches (<c>workers: "auto"</c>). Fed once per interval
/// with what the consumer waited and what the workers were busy: a consumer that waited more than
/// <see cref="TargetWaitShare"/> of the interval gets one more worker at once; one fewer worker is tried when the
/// consumer did not wait and the active workers' work would fit in one fewer at <see cref="Headroom"/> utilisation
/// for several intervals in a row. A decrease that had to be undone doubles the calm intervals the next one needs
/// (hysteresis), so the count settles instead of oscillating. Not thread-safe: the consumer's thread calls it.
/// </summary>
internal sealed class WorkerController
{
    /// <summary>The data-wait share the controller keeps the consumer under.</summary>
    public const double TargetWaitShare = 0.01;

    /// <summary>Below this share the consumer counts as fed (a decrease is considered).</summary>
    public const double FedWaitShare = 0.002;

    /// <summary>One fewer worker is tried only if the others could do the work at this utilisation.</summary>
    public const double Headroom = 0.7;

    private const int InitialCalm = 2;
    private const int MaxCalm = 64;
    private const int CooldownIntervals = 4;
    private const int ConfirmIntervals = 8;

    private int _calmNeeded = InitialCalm;
    private int _calm;
    private int _cooldown;
    private int _sinceDecrease = -1;

    public WorkerController(int maxWorkers, int initialActive)
    {
        Debug.Assert(maxWorkers >= 1);
        Max = maxWorkers;
        Active = Math.Clamp(initialActive, 1, maxWorkers);
    }

    /// <summary>The interval between decisions.</summary>
    public static long IntervalTicks { get; } = Stopwatch.Frequency / 20;

    public int Max { get; }

    public int Active { get; private set; }

    /// <summary>The new active count after an interval of <paramref name="seconds"/> in which the consumer waited <paramref name="waitSeconds"/> and the workers were busy <paramref name="busySeconds"/> (summed over workers).</summary>
    public int Decide(double seconds, double waitSeconds, double busySeconds)
    {
        if (seconds <= 0)
        {
            return Active;
        }

        double waitShare = waitSeconds / seconds;
        if (_sinceDecrease >= 0 && ++_sinceDecrease > ConfirmIntervals)
        {
            _sinceDecrease = -1; // the last decrease held: the consumer stayed fed
        }

        if (waitShare > TargetWaitShare)
        {
            _calm = 0;
            if (Active >= Max)
            {
                return Active;
            }

            if (_sinceDecrease >= 0)
            {
                _calmNeeded = Math.Min(MaxCalm, _calmNeeded * 2); // that decrease starved the consumer
                _sinceDecrease = -1;
            }

            _cooldown = CooldownIntervals;
            return ++Active;
        }

        if (_cooldown > 0)
        {
            _cooldown--;
            return Active;
        }

        if (Active > 1 && waitShare <= FedWaitShare && busySeconds <= (Active - 1) * seconds * Headroom)
        {
            if (++_calm >= _calmNeeded)
            {
                _calm = 0;
                _sinceDecrease = 0;
                return --Active;
            }
        }
        else
        {
            _calm = 0;
        }

        return Active;
    }
}
