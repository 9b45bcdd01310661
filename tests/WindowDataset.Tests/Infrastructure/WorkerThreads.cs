namespace WindowDataset.Tests.Infrastructure;

/// <summary>
/// Counts the loader's worker threads from the kernel's view (<c>/proc/self/task/*/comm</c>; Linux truncates
/// thread names to 15 bytes, so "WindowDataset worker 3" reads "WindowDataset w"). .NET has no API listing
/// managed threads. Only meaningful in tests that run alone (a non-parallel collection).
/// </summary>
public static class WorkerThreads
{
    private const string Prefix = "WindowDataset w";

    public static bool Supported => Directory.Exists("/proc/self/task");

    public static int Count()
    {
        int count = 0;
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(Prefix, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The thread exited while we looked.
            }
        }

        return count;
    }

    /// <summary>
    /// Waits until no worker thread is left (a joined thread can linger in the kernel for a moment) and returns
    /// how many are left: 0 unless a thread leaked. The wait only bounds a hang; it is not a timing assertion.
    /// </summary>
    public static int SettleToZero(int maxMilliseconds = 10_000)
    {
        if (!Supported)
        {
            return 0;
        }

        var deadline = DateTime.UtcNow.AddMilliseconds(maxMilliseconds);
        int left;
        while ((left = Count()) > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        return left;
    }
}
