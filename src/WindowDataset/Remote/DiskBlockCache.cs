using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Remote;

/// <summary>
/// Fetched blocks as files under one folder, named by a hash of (redacted URL, ETag, size, block size) and the
/// block index, so a new version of an object never reads old blocks. Files are written to a temporary name and
/// renamed, so processes sharing the folder see whole blocks or none. Past the cap, the files written or read
/// longest ago are deleted (the write time is touched on every hit: access times are unreliable with relatime).
/// </summary>
internal sealed class DiskBlockCache
{
    private const string Extension = ".blk";
    private readonly string _directory;
    private readonly long _capacity;
    private readonly Lock _evictGate = new();
    private long _bytes;
    private long _hits;

    public DiskBlockCache(string directory, long capacity)
    {
        _directory = Path.GetFullPath(directory);
        _capacity = capacity;
        Directory.CreateDirectory(_directory);
        _bytes = Scan(out _);
    }

    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>What this process believes the folder holds (other processes add to it too; eviction rescans).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Reads block <paramref name="index"/> of the object <paramref name="objectKey"/>; false when it is not cached whole.</summary>
    public bool TryRead(string objectKey, long index, Span<byte> destination)
    {
        string path = PathOf(objectKey, index);
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            if (RandomAccess.GetLength(handle) != destination.Length)
            {
                return false;
            }

            int done = 0;
            while (done < destination.Length)
            {
                int got = RandomAccess.Read(handle, destination[done..], done);
                if (got == 0)
                {
                    return false;
                }

                done += got;
            }

            File.SetLastWriteTimeUtc(handle, DateTime.UtcNow);
            Interlocked.Increment(ref _hits);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Stores a block; a failure to write (disk full, folder gone) only means it is not cached.</summary>
    public void Write(string objectKey, long index, ReadOnlySpan<byte> data)
    {
        string path = PathOf(objectKey, index);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                RandomAccess.Write(handle, data, 0);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
            TryDelete(temp);
            return;
        }
        catch (UnauthorizedAccessException)
        {
            TryDelete(temp);
            return;
        }

        if (Interlocked.Add(ref _bytes, data.Length) > _capacity)
        {
            Evict();
        }
    }

    private void Evict()
    {
        lock (_evictGate)
        {
            long total = Scan(out List<FileInfo> files);
            if (total > _capacity)
            {
                // Down to 90% so that eviction (a folder scan) runs once per many writes, not on each.
                long target = _capacity / 10 * 9;
                files.Sort(static (a, b) => a.LastWriteTimeUtc.CompareTo(b.LastWriteTimeUtc));
                foreach (FileInfo file in files)
                {
                    if (total <= target)
                    {
                        break;
                    }

                    if (TryDelete(file.FullName))
                    {
                        total -= file.Length;
                    }
                }
            }

            Interlocked.Exchange(ref _bytes, total);
        }
    }

    private long Scan(out List<FileInfo> files)
    {
        files = [];
        long total = 0;
        DateTime stale = DateTime.UtcNow.AddHours(-1);
        foreach (FileInfo file in new DirectoryInfo(_directory).EnumerateFiles())
        {
            try
            {
                if (file.Name.EndsWith(Extension, StringComparison.Ordinal))
                {
                    files.Add(file);
                    total += file.Length;
                }
                else if (file.Name.EndsWith(".tmp", StringComparison.Ordinal) && file.LastWriteTimeUtc < stale)
                {
                    // Left by a process that died mid-write.
                    TryDelete(file.FullName);
                }
            }
            catch (IOException)
            {
            }
        }

        return total;
    }

    private string PathOf(string objectKey, long index) => Path.Combine(_directory, objectKey + "-" + index.ToString(CultureInfo.InvariantCulture) + Extension);

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
