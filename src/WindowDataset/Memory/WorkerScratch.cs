using System.Runtime.InteropServices;

namespace WindowDataset.Memory;

/// <summary>
/// The workers' conversion scratch, one buffer per worker, allocated once per loader on the thread that starts the
/// first run and reused by every run (counted in the memory budget). Workers are created and ended with each run;
/// allocating on them would spread native memory over glibc's per-thread arenas.
/// </summary>
internal sealed unsafe class WorkerScratch : IDisposable
{
    private readonly void*[] _buffers;
    private readonly int _bytes;

    public WorkerScratch(int workers, long bytes)
    {
        _bytes = checked((int)bytes);
        _buffers = new void*[workers];
        if (_bytes == 0)
        {
            return;
        }

        try
        {
            for (int i = 0; i < workers; i++)
            {
                _buffers[i] = NativeMemory.AlignedAlloc((nuint)_bytes, 64);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Worker <paramref name="worker"/>'s buffer; empty when no conversion needs scratch.</summary>
    public Span<byte> For(int worker) => _bytes == 0 ? default : new Span<byte>(_buffers[worker], _bytes);

    /// <summary>Frees the buffers; call only once no run uses them.</summary>
    public void Dispose()
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i] != null)
            {
                NativeMemory.AlignedFree(_buffers[i]);
                _buffers[i] = null;
            }
        }
    }
}
