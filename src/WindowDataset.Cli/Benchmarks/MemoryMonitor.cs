using System.Diagnostics;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>
/// Peak process memory during a run: VmHWM (reset through /proc/self/clear_refs when permitted) and a sampler
/// thread reading /proc/self/smaps_rollup about every 10 ms (slower when a read takes long, e.g. with large maps).
/// </summary>
internal sealed class MemoryMonitor : IDisposable
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private MemorySample _peak;
    private bool _stopped;

    private MemoryMonitor()
    {
        Before = Read();
        HwmReset = TryResetHwm();
        _peak = Before;
        _thread = new Thread(Loop) { IsBackground = true, Name = "windowds-memory-monitor" };
        _thread.Start();
    }

    /// <summary>The sample taken when the monitor started.</summary>
    public MemorySample Before { get; }

    /// <summary>True when VmHWM was reset for this run (else the peak RSS is the sampled maximum).</summary>
    public bool HwmReset { get; }

    public static MemoryMonitor Start() => new();

    /// <summary>Stops sampling and returns the peaks.</summary>
    public MemorySample Stop()
    {
        if (!_stopped)
        {
            _stopped = true;
            _stop.Set();
            _thread.Join();
            Take(Read());
        }

        MemorySample peak = _peak;
        long hwm = HwmReset ? ReadStatus("VmHWM:") : 0;
        return peak with { Rss = Math.Max(peak.Rss, hwm) };
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    internal static MemorySample Read()
    {
        long rss = 0, privateClean = 0, privateDirty = 0, hugetlb = 0, anonymous = 0;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/smaps_rollup"))
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    rss = PageCache.ParseKb(line);
                }
                else if (line.StartsWith("Private_Clean:", StringComparison.Ordinal))
                {
                    privateClean = PageCache.ParseKb(line);
                }
                else if (line.StartsWith("Private_Dirty:", StringComparison.Ordinal))
                {
                    privateDirty = PageCache.ParseKb(line);
                }
                else if (line.StartsWith("Private_Hugetlb:", StringComparison.Ordinal))
                {
                    hugetlb = PageCache.ParseKb(line);
                }
                else if (line.StartsWith("Anonymous:", StringComparison.Ordinal))
                {
                    anonymous = PageCache.ParseKb(line);
                }
            }
        }
        catch (IOException)
        {
            rss = ReadStatus("VmRSS:");
        }
        catch (UnauthorizedAccessException)
        {
            rss = ReadStatus("VmRSS:");
        }

        return new MemorySample(rss, privateDirty + hugetlb, privateClean, anonymous);
    }

    private static long ReadStatus(string key)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return PageCache.ParseKb(line);
                }
            }
        }
        catch (IOException)
        {
            // not Linux
        }
        catch (UnauthorizedAccessException)
        {
            // same
        }

        return 0;
    }

    private static bool TryResetHwm()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Loop()
    {
        var clock = new Stopwatch();
        while (true)
        {
            clock.Restart();
            Take(Read());
            long cost = clock.ElapsedMilliseconds;
            if (_stop.Wait(TimeSpan.FromMilliseconds(Math.Max(10, 4 * cost))))
            {
                return;
            }
        }
    }

    private void Take(MemorySample sample)
    {
        MemorySample p = _peak;
        _peak = new MemorySample(Math.Max(p.Rss, sample.Rss), Math.Max(p.Private, sample.Private), Math.Max(p.PrivateClean, sample.PrivateClean), Math.Max(p.Anonymous, sample.Anonymous));
    }
}
