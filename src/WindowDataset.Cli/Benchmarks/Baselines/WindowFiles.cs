using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Cli.Benchmarks.Baselines;

/// <summary>The shards of a plan opened for positional reads (random access), closed together.</summary>
internal sealed class WindowFiles : IDisposable
{
    private readonly SafeFileHandle[] _handles;
    private readonly WindowPlan _plan;

    public WindowFiles(WindowPlan plan)
    {
        _plan = plan;
        _handles = new SafeFileHandle[plan.Paths.Length];
        try
        {
            for (int i = 0; i < _handles.Length; i++)
            {
                _handles[i] = File.OpenHandle(plan.Paths[i], FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.RandomAccess);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Reads every window once (untimed), so a warm run starts with them in the page cache.</summary>
    public static void Warm(WindowPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Chunked)
        {
            byte[] block = new byte[4 << 20];
            foreach (string path in plan.Paths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using FileStream stream = File.OpenRead(path);
                while (stream.Read(block) > 0)
                {
                }
            }

            return;
        }

        using var files = new WindowFiles(plan);
        byte[] buffer = new byte[plan.FileWindowBytes];
        for (int i = 0; i < plan.Count; i++)
        {
            if ((i & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            files.ReadWindow(i, buffer);
        }
    }

    /// <summary>Window <paramref name="index"/> of the plan (file bytes) into <paramref name="destination"/>, with as many preads as it takes.</summary>
    public void ReadWindow(long index, Span<byte> destination)
    {
        int shard = _plan.Shard[index];
        long offset = _plan.Offset[index];
        int done = 0;
        while (done < destination.Length)
        {
            int read = RandomAccess.Read(_handles[shard], destination[done..], offset + done);
            if (read == 0)
            {
                throw new IOException($"{_plan.Paths[shard]}: expected {destination.Length} bytes at offset {offset}; the file ends at {offset + done}.");
            }

            done += read;
        }
    }

    public void Dispose()
    {
        foreach (SafeFileHandle? handle in _handles)
        {
            handle?.Dispose();
        }
    }
}
