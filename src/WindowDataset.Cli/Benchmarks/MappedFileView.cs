using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;
using WindowDataset.Cli.Interop;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>A whole file mapped read-only through <see cref="MemoryMappedFile"/> (as the loader's mmap reader maps its shards).</summary>
internal sealed class MappedFileView : IDisposable
{
    private readonly MemoryMappedFile _map;

    private MappedFileView(string path, long length, MemoryMappedFile map, MemoryMappedViewAccessor view)
    {
        Path = path;
        Length = length;
        _map = map;
        View = view;
    }

    public string Path { get; }

    /// <summary>The file's length (the view may be longer: it ends on a page boundary).</summary>
    public long Length { get; }

    public MemoryMappedViewAccessor View { get; }

    /// <summary>Maps <paramref name="path"/>; null for an empty file, which cannot be mapped.</summary>
    public static MappedFileView? Open(string path)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        MemoryMappedFile? map = null;
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length == 0)
            {
                handle.Dispose();
                return null;
            }

            // The map owns the handle from here (leaveOpen: false).
            map = MemoryMappedFile.CreateFromFile(handle, mapName: null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            return new MappedFileView(path, length, map, map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read));
        }
        catch
        {
            if (map is null)
            {
                handle.Dispose();
            }
            else
            {
                map.Dispose();
            }

            throw;
        }
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes from file offset <paramref name="offset"/>.</summary>
    public void Read(long offset, Span<byte> destination) => NativeMethods.Read(View, offset, destination);

    public void Dispose()
    {
        View.Dispose();
        _map.Dispose();
    }
}
