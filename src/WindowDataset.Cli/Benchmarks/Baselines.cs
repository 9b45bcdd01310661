using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using WindowDataset.Cli.Interop;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>
/// Reference methods on the loader's windows (file bytes, no conversion): the plain-syscall floor (one pread per
/// window, one thread), N threads of preads, a memory map with WILLNEED hints 8 windows ahead, and the memory-to-memory copy ceiling.
/// Like the loader, every method writes its windows round-robin into as many batch-sized buffers as the loader holds
/// (5 x 16 MB for 64 x 16 x 2000 float64 in a 1 GiB budget), so the destination streams through memory as the
/// loader's batches do instead of staying in the CPU cache (a single window-sized buffer made the baselines look
/// 2x faster than any loader that hands out batches can be).
/// </summary>
internal static unsafe class Baselines
{
    public const int MadviseLookahead = 8;

    /// <summary>One positional read per window into a batch buffer, single-threaded. Returns the elapsed time.</summary>
    public static TimeSpan Pread(WindowPlan plan, CancellationToken cancellationToken) => PreadThreads(plan, 1, cancellationToken);

    /// <summary>N threads, each reading whole windows (one pread each) into its own batch buffer, windows handed out in blocks of 8.</summary>
    public static TimeSpan PreadThreads(WindowPlan plan, int threads, CancellationToken cancellationToken)
    {
        SafeFileHandle[] handles = OpenAll(plan.Paths);
        try
        {
            int windowBytes = checked((int)plan.FileWindowBytes);
            long next = 0;
            Exception? failure = null;
            using var start = new ManualResetEventSlim(false);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() =>
                {
                    byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)plan.DestinationBytes, 4096);
                    try
                    {
                        new Span<byte>(buffer, checked((int)plan.DestinationBytes)).Clear(); // fault the pages in before timing
                        start.Wait(cancellationToken);
                        while (true)
                        {
                            long first = Interlocked.Add(ref next, 8) - 8;
                            if (first >= plan.Count || cancellationToken.IsCancellationRequested)
                            {
                                break;
                            }

                            long end = Math.Min(first + 8, plan.Count);
                            for (long i = first; i < end; i++)
                            {
                                var span = new Span<byte>(buffer + ((i % plan.DestinationWindows) * windowBytes), windowBytes);
                                ReadFully(handles[plan.Shard[i]], span, plan.Offset[i], plan.Paths[plan.Shard[i]]);
                            }
                        }
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException)
                    {
                        failure ??= ex;
                    }
                    finally
                    {
                        NativeMemory.AlignedFree(buffer);
                    }
                })
                { IsBackground = true, Name = "windowds-pread-baseline" };
                workers[t].Start();
            }

            var clock = Stopwatch.StartNew();
            start.Set();
            foreach (Thread w in workers)
            {
                w.Join();
            }

            clock.Stop();
            cancellationToken.ThrowIfCancellationRequested();
            if (failure is not null)
            {
                throw new IOException(failure.Message, failure);
            }

            return clock.Elapsed;
        }
        finally
        {
            foreach (SafeFileHandle h in handles)
            {
                h.Dispose();
            }
        }
    }

    /// <summary>Memory map (MADV_RANDOM), MADV_WILLNEED on the window 8 ahead, copy each window into a batch buffer; single thread.</summary>
    public static TimeSpan MadviseAhead(WindowPlan plan, CancellationToken cancellationToken)
    {
        var maps = new MappedFile[plan.Paths.Length];
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)plan.DestinationBytes, 4096);
        try
        {
            new Span<byte>(buffer, checked((int)plan.DestinationBytes)).Clear();
            for (int s = 0; s < maps.Length; s++)
            {
                maps[s] = MappedFile.Open(plan.Paths[s]);
                maps[s].Advise(0, maps[s].Length, NativeMethods.MadvRandom);
            }

            long bytes = plan.FileWindowBytes;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < Math.Min(MadviseLookahead, plan.Count); i++)
            {
                maps[plan.Shard[i]].Advise(plan.Offset[i], bytes, NativeMethods.MadvWillNeed);
            }

            for (int i = 0; i < plan.Count; i++)
            {
                int ahead = i + MadviseLookahead;
                if (ahead < plan.Count)
                {
                    maps[plan.Shard[ahead]].Advise(plan.Offset[ahead], bytes, NativeMethods.MadvWillNeed);
                }

                Buffer.MemoryCopy(maps[plan.Shard[i]].Base + plan.Offset[i], buffer + ((i % plan.DestinationWindows) * bytes), bytes, bytes);
                if ((i & 255) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            clock.Stop();
            return clock.Elapsed;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
            foreach (MappedFile? m in maps)
            {
                m?.Dispose();
            }
        }
    }

    /// <summary>
    /// The copy ceiling: the same number of bytes, window by window, from a memory buffer (up to 256 MiB, larger than
    /// the caches) into one window buffer. Offsets follow the windows' file offsets, wrapped into the buffer.
    /// </summary>
    public static TimeSpan Memcpy(WindowPlan plan, CancellationToken cancellationToken)
    {
        long bytes = plan.FileWindowBytes;
        long sourceBytes = Math.Max(2 * bytes, Math.Min(plan.DataBytes, 256L << 20));
        byte* source = (byte*)NativeMemory.AlignedAlloc((nuint)sourceBytes, 4096);
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)plan.DestinationBytes, 4096);
        try
        {
            new Span<byte>(buffer, checked((int)plan.DestinationBytes)).Clear();
            new Span<byte>(source, (int)Math.Min(sourceBytes, int.MaxValue)).Fill(0x5A);
            for (long done = int.MaxValue; done < sourceBytes; done += int.MaxValue)
            {
                new Span<byte>(source + done, (int)Math.Min(sourceBytes - done, int.MaxValue)).Fill(0x5A);
            }

            long span = sourceBytes - bytes + 1;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < plan.Count; i++)
            {
                Buffer.MemoryCopy(source + (plan.Offset[i] % span), buffer + ((i % plan.DestinationWindows) * bytes), bytes, bytes);
                if ((i & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            clock.Stop();
            return clock.Elapsed;
        }
        finally
        {
            NativeMemory.AlignedFree(source);
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>Reads every window once (untimed), so a warm run starts with them in the page cache.</summary>
    public static void Warm(WindowPlan plan, CancellationToken cancellationToken)
    {
        SafeFileHandle[] handles = OpenAll(plan.Paths);
        byte[] buffer = new byte[plan.FileWindowBytes];
        try
        {
            for (int i = 0; i < plan.Count; i++)
            {
                if ((i & 255) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                ReadFully(handles[plan.Shard[i]], buffer, plan.Offset[i], plan.Paths[plan.Shard[i]]);
            }
        }
        finally
        {
            foreach (SafeFileHandle h in handles)
            {
                h.Dispose();
            }
        }
    }

    private static SafeFileHandle[] OpenAll(string[] paths)
    {
        var handles = new SafeFileHandle[paths.Length];
        try
        {
            for (int i = 0; i < paths.Length; i++)
            {
                handles[i] = File.OpenHandle(paths[i], FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.RandomAccess);
            }

            return handles;
        }
        catch
        {
            foreach (SafeFileHandle? h in handles)
            {
                h?.Dispose();
            }

            throw;
        }
    }

    private static void ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (read == 0)
            {
                throw new IOException($"{path}: expected {buffer.Length} bytes at offset {offset}; the file ends at {offset + done}.");
            }

            done += read;
        }
    }
}
