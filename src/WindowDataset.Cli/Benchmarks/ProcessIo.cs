using System.Globalization;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>This process's storage reads: <c>read_bytes</c> of <c>/proc/self/io</c> (bytes fetched from the block layer, page-cache hits excluded).</summary>
internal static class ProcessIo
{
    /// <summary>Bytes this process caused to be read from storage so far, or null where <c>/proc/self/io</c> is unavailable.</summary>
    public static long? ReadBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("read_bytes:", StringComparison.Ordinal))
                {
                    return long.TryParse(line.AsSpan("read_bytes:".Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) ? bytes : null;
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
}
