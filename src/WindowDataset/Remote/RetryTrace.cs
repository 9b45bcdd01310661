using System.Diagnostics;

namespace WindowDataset.Remote;

/// <summary>TEMPORARY measurement of where retries cost time (WINDOWDS_RETRY_TRACE=1): printed to stderr at dispose.</summary>
internal static class RetryTrace
{
    public static readonly bool OldBackoff = (Environment.GetEnvironmentVariable("WINDOWDS_RETRY_VARIANT") ?? "").Contains("old-backoff", StringComparison.Ordinal);
    public static readonly bool NoDemand = (Environment.GetEnvironmentVariable("WINDOWDS_RETRY_VARIANT") ?? "").Contains("no-demand", StringComparison.Ordinal);
    public static readonly bool On = Environment.GetEnvironmentVariable("WINDOWDS_RETRY_TRACE") == "1";

    // [ahead?1:0, retried?1:0]
    public static readonly long[] WaitTicks = new long[4];
    public static readonly long[] WaitCount = new long[4];
    public static long DemandReads;
    public static long DemandReadsWaited;
    public static long DemandReadsOnRetried;
    public static readonly long[] LimiterTicks = new long[3]; // urgent first, ahead first, retry
    public static readonly long[] LimiterCount = new long[3];
    public static long BackoffTicks;
    public static long Backoffs;
    public static long ReadTicks;
    public static long HeldTicks;
    public static long Start = Stopwatch.GetTimestamp();

    public static void Add(long[] ticks, long[] count, int k, long t)
    {
        Interlocked.Add(ref ticks[k], t);
        Interlocked.Increment(ref count[k]);
    }

    public static void Print()
    {
        if (!On)
        {
            return;
        }

        static double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        Console.Error.WriteLine($"trace: demand reads {DemandReads}, waited {DemandReadsWaited}, on a retried block {DemandReadsOnRetried}; worker time in reads {Ms(ReadTicks):F0} ms");
        string[] names = ["demand-fetched, ok", "demand-fetched, retried", "read-ahead, ok", "read-ahead, retried"];
        for (int k = 0; k < 4; k++)
        {
            Console.Error.WriteLine($"trace: block waits {names[k]}: {WaitCount[k]} waits, {Ms(WaitTicks[k]):F0} ms total, {(WaitCount[k] == 0 ? 0 : Ms(WaitTicks[k]) / WaitCount[k]):F2} ms mean");
        }

        string[] lim = ["urgent first", "ahead first", "retry"];
        for (int k = 0; k < 3; k++)
        {
            Console.Error.WriteLine($"trace: limiter wait {lim[k]}: {LimiterCount[k]} requests, {Ms(LimiterTicks[k]):F0} ms total, {(LimiterCount[k] == 0 ? 0 : Ms(LimiterTicks[k]) / LimiterCount[k]):F2} ms mean");
        }

        long life = Stopwatch.GetTimestamp() - Start;
        Console.Error.WriteLine($"trace: life {Ms(life):F0} ms, slots held {Ms(HeldTicks):F0} ms = {HeldTicks / 32.0 / life:P1} of 32 slots");
        Start = Stopwatch.GetTimestamp();
        HeldTicks = 0;
        Console.Error.WriteLine($"trace: backoffs {Backoffs}, {Ms(BackoffTicks):F0} ms total");
        Array.Clear(WaitTicks);
        Array.Clear(WaitCount);
        Array.Clear(LimiterTicks);
        Array.Clear(LimiterCount);
        DemandReads = DemandReadsWaited = DemandReadsOnRetried = BackoffTicks = Backoffs = ReadTicks = 0;
    }
}
