using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Cli.Interop;

/// <summary>A whole file mapped read-only (<c>mmap</c>, shared), unmapped on dispose; plus the page-cache helpers that need a file descriptor.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private byte* _base;

    private MappedFile(string path, SafeFileHandle handle, long length, byte* address)
    {
        Path = path;
        _handle = handle;
        Length = length;
        _base = address;
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>First byte of the mapping (null for an empty file).</summary>
    public byte* Base => _base;

    public static MappedFile Open(string path)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        try
        {
            long length = RandomAccess.GetLength(handle);
            byte* address = null;
            if (length > 0)
            {
                address = (byte*)NativeMethods.mmap(null, (nuint)length, NativeMethods.ProtRead, NativeMethods.MapShared, Descriptor(handle), 0);
                if (address == NativeMethods.MapFailed)
                {
                    throw new IOException($"{path}: mmap of {length} bytes failed (errno {Marshal.GetLastPInvokeError()}).");
                }
            }

            return new MappedFile(path, handle, length, address);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Writes dirty pages back and asks the kernel to drop the file's cached pages (<c>POSIX_FADV_DONTNEED</c>).</summary>
    public static void Evict(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int fd = Descriptor(handle);
        _ = NativeMethods.fdatasync(fd); // dirty pages cannot be dropped; a freshly written file has many
        int rc = NativeMethods.posix_fadvise(fd, 0, 0, NativeMethods.FadvDontNeed);
        if (rc != 0)
        {
            throw new IOException($"{path}: posix_fadvise(POSIX_FADV_DONTNEED) failed (error {rc}).");
        }
    }

    /// <summary>Pages of the file that are in the page cache (<c>mincore</c> over the mapping), and the file's page count.</summary>
    public (long Resident, long Pages) CountResidentPages()
    {
        long pageSize = Environment.SystemPageSize;
        long pages = (Length + pageSize - 1) / pageSize;
        if (pages == 0)
        {
            return (0, 0);
        }

        const long ChunkPages = 1 << 18; // 1 GiB of 4 KiB pages per mincore call
        byte[] vector = new byte[Math.Min(pages, ChunkPages)];
        long resident = 0;
        fixed (byte* v = vector)
        {
            for (long first = 0; first < pages; first += ChunkPages)
            {
                long count = Math.Min(ChunkPages, pages - first);
                long bytes = Math.Min(count * pageSize, Length - (first * pageSize));
                if (NativeMethods.mincore(_base + (first * pageSize), (nuint)bytes, v) != 0)
                {
                    throw new IOException($"{Path}: mincore failed (errno {Marshal.GetLastPInvokeError()}).");
                }

                for (long i = 0; i < count; i++)
                {
                    resident += v[i] & 1;
                }
            }
        }

        return (resident, pages);
    }

    public void Advise(long offset, long length, int advice)
    {
        long pageSize = Environment.SystemPageSize;
        long start = offset & ~(pageSize - 1);
        long end = Math.Min(offset + length, Length);
        if (end > start)
        {
            _ = NativeMethods.madvise(_base + start, (nuint)(end - start), advice);
        }
    }

    public void Dispose()
    {
        if (_base != null)
        {
            _ = NativeMethods.munmap(_base, (nuint)Length);
            _base = null;
        }

        _handle.Dispose();
    }

    private static int Descriptor(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
