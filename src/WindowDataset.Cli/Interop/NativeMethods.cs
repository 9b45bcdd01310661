using System.Runtime.InteropServices;

namespace WindowDataset.Cli.Interop;

/// <summary>The libc calls of the benchmark (Linux): page-cache control and residency, memory maps and their hints.</summary>
internal static unsafe partial class NativeMethods
{
    public const int ProtRead = 1;
    public const int MapShared = 1;
    public const int MadvRandom = 1;
    public const int MadvWillNeed = 3;
    public const int FadvDontNeed = 4;

    public static readonly void* MapFailed = (void*)-1;

    [LibraryImport("libc", SetLastError = true)]
    public static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int madvise(void* address, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int mincore(void* address, nuint length, byte* vector);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int posix_fadvise(int fd, long offset, long length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fdatasync(int fd);
}
