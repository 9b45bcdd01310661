using System.Globalization;
using WindowDataset.Cli.Interop;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>Page-cache control for cold runs, and measurements of what a run adds to the cache.</summary>
internal static class PageCache
{
    /// <summary>Drops every shard from the page cache (fdatasync + POSIX_FADV_DONTNEED); returns the resident fraction afterwards (mincore).</summary>
    public static double Evict(IReadOnlyList<string> paths)
    {
        foreach (string path in paths)
        {
            NativeMethods.Evict(path);
        }

        (long resident, long pages) = Residency(paths);
        return pages == 0 ? 0 : (double)resident / pages;
    }

    /// <summary>Resident pages and total pages over all shards (mincore over a fresh mapping of each).</summary>
    public static (long Resident, long Pages) Residency(IReadOnlyList<string> paths)
    {
        long resident = 0;
        long pages = 0;
        foreach (string path in paths)
        {
            using MappedFileView? map = MappedFileView.Open(path);
            if (map is null)
            {
                continue;
            }

            (long r, long p) = NativeMethods.CountResidentPages(map.View, map.Length, path);
            resident += r;
            pages += p;
        }

        return (resident, pages);
    }

    /// <summary>"Cached" of /proc/meminfo in bytes, or null where unavailable.</summary>
    public static long? MeminfoCached()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("Cached:", StringComparison.Ordinal))
                {
                    return ParseKb(line);
                }
            }
        }
        catch (IOException)
        {
            // not Linux, or no /proc
        }
        catch (UnauthorizedAccessException)
        {
            // same
        }

        return null;
    }

    /// <summary>"Key:   1234 kB" to bytes.</summary>
    internal static long ParseKb(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        ReadOnlySpan<char> rest = line.AsSpan(colon + 1).Trim();
        int space = rest.IndexOf(' ');
        ReadOnlySpan<char> number = space < 0 ? rest : rest[..space];
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : 0;
    }
}
