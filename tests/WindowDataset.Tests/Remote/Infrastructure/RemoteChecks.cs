using WindowDataset.Remote;
using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>Test objects (a real .npy) and the checks every client goes through: random ranges read on several threads equal the local bytes.</summary>
internal static class RemoteChecks
{
    private static readonly Lazy<byte[]> s_npy = new(() =>
    {
        using var dir = new TempDirectory();
        return File.ReadAllBytes(TestArrays.WriteNpy(dir.File("a.npy"), 1536, 300));
    });

    /// <summary>A float64 .npy of shape (1536, 300): about 3.5 MiB, every value distinct.</summary>
    public static byte[] Npy => s_npy.Value;

    /// <summary>Different bytes of the same size: a new version of <see cref="Npy"/>.</summary>
    public static byte[] Changed()
    {
        byte[] copy = (byte[])Npy.Clone();
        for (int i = 0; i < copy.Length; i += 7)
        {
            copy[i] ^= 0x5A;
        }

        return copy;
    }

    /// <summary>Options for tests: small blocks (so ranges span several), fast backoff, short timeouts.</summary>
    public static RemoteOptions Options(string? endpoint = null) => new()
    {
        Concurrency = 8,
        BlockSize = 64 * 1024,
        MemoryCacheBytes = 2L << 20,
        RequestTimeoutMilliseconds = 10_000,
        MaxRetries = 6,
        RetryBudget = 1000,
        BackoffMilliseconds = 5,
        Endpoint = endpoint,
    };

    /// <summary>
    /// Reads <paramref name="count"/> random ranges (up to <paramref name="maxLength"/> bytes, some past the end) on
    /// <paramref name="threads"/> threads, hinting each thread's next range first, and asserts every byte.
    /// </summary>
    public static void ReadRandomRanges(ByteSource source, byte[] expected, int count, int maxLength, int threads = 4, int seed = 1)
    {
        Assert.Equal(expected.LongLength, source.Length);
        var failures = new List<Exception>();
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int worker = t;
            workers[t] = new Thread(() =>
            {
                try
                {
                    var random = new Random(seed + worker);
                    var ranges = new (long Offset, int Length)[count / threads];
                    for (int i = 0; i < ranges.Length; i++)
                    {
                        long offset = random.NextInt64(expected.Length);
                        ranges[i] = (offset, random.Next(1, maxLength + 1));
                    }

                    byte[] buffer = new byte[maxLength];
                    for (int i = 0; i < ranges.Length; i++)
                    {
                        if (i + 2 < ranges.Length)
                        {
                            source.WillNeed(ranges[i + 2].Offset, ranges[i + 2].Length);
                        }

                        (long offset, int length) = ranges[i];
                        int got = source.ReadAtMost(offset, buffer.AsSpan(0, length));
                        int want = (int)Math.Min(length, expected.Length - offset);
                        Assert.Equal(want, got);
                        Assert.True(buffer.AsSpan(0, got).SequenceEqual(expected.AsSpan((int)offset, want)), $"bytes at {offset} (+{want}) differ");
                    }
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            });
            workers[t].Start();
        }

        foreach (Thread worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromSeconds(60)), "a reader hung for 60 s");
        }

        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }
    }

    /// <summary>
    /// Every injected fault cost the engine one retry, except dropped connections: when the proxy drops one before
    /// any of the body got out, HttpClient itself resends the request on a new connection.
    /// </summary>
    public static void AssertRetried(FaultProxy proxy, RemoteEngine engine, FaultKind kind)
    {
        Assert.True(proxy.Injected > 0);
        if (kind == FaultKind.DropMidBody)
        {
            Assert.InRange(engine.Statistics.Retries, 1, proxy.Injected);
        }
        else
        {
            Assert.Equal(proxy.Injected, engine.Statistics.Retries);
        }
    }

    /// <summary>Runs <paramref name="action"/> and fails if it takes longer than <paramref name="seconds"/> (a bound on hangs, not a timing assertion).</summary>
    public static void Bounded(Action action, int seconds = 30)
    {
        var task = Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Task first = Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(seconds))).GetAwaiter().GetResult();
        Assert.True(first == task, $"expected to finish within {seconds} s; found it still running");
        task.GetAwaiter().GetResult();
    }
}
