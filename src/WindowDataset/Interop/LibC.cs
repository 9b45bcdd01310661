using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Interop;

/// <summary>The few libc calls the loader uses for access hints (Linux); every call is best effort.</summary>
internal static unsafe partial class LibC
{
    public const int MadvRandom = 1;
    public const int MadvWillNeed = 3;
    public const int MadvDontNeed = 4;
    public const int MadvHugePage = 14;
    public const int FadvRandom = 1;
    public const int FadvWillNeed = 3;
    public const int FadvDontNeed = 4;

    public static readonly bool Available = OperatingSystem.IsLinux();

    private static readonly long s_pageSize = Environment.SystemPageSize;

    /// <summary>madvise over [address, address+length), widened to whole pages.</summary>
    public static void Advise(byte* address, long length, int advice)
    {
        if (!Available || length <= 0)
        {
            return;
        }

        nuint start = (nuint)address & ~(nuint)(s_pageSize - 1);
        nuint end = (nuint)(address + length);
        _ = madvise((void*)start, end - start, advice);
    }

    /// <summary>posix_fadvise on a file range.</summary>
    public static void AdviseFile(SafeFileHandle handle, long offset, long length, int advice)
    {
        if (!Available)
        {
            return;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            _ = posix_fadvise((int)handle.DangerousGetHandle(), offset, length, advice);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The filesystem magic number of the file's filesystem (statfs f_type), or null where unknown.</summary>
    public static long? FileSystemType(string path)
    {
        if (!Available)
        {
            return null;
        }

        // struct statfs on x86-64 and arm64 Linux is 120 bytes; f_type is the first field (8 bytes).
        byte* buffer = stackalloc byte[256];
        return statfs(path, buffer) == 0 ? *(long*)buffer : null;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_fadvise(int fd, long offset, long length, int advice);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statfs(string path, byte* buffer);
}
