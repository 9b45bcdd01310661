using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Formats.Zarr;

/// <summary>A directory store: every key is a file under the directory.</summary>
internal sealed class LocalZarrStorage(string directory) : ZarrStorage
{
    public override string Root => directory;

    public override bool PrefersConsolidated => false;

    public override string Describe(string key) => key.Length == 0 ? directory : System.IO.Path.Combine(directory, key);

    public override ZarrBytes Read(string key, long maxBytes)
    {
        string file = Describe(key);
        if (!TryOpen(file, out SafeFileHandle? handle))
        {
            return ZarrBytes.None;
        }

        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            if (length > maxBytes)
            {
                return new ZarrBytes(null, length);
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
            try
            {
                int total = 0;
                while (total < length)
                {
                    int n = RandomAccess.Read(handle, buffer.AsSpan(total, (int)length - total), total);
                    if (n == 0)
                    {
                        throw new InvalidDataException($"{file}: expected {length} bytes; found {total} (file shrank while reading?).");
                    }

                    total += n;
                }

                return new ZarrBytes(buffer, length);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }
        }
    }

    public override ZarrObject? OpenObject(string key)
    {
        string file = Describe(key);
        return TryOpen(file, out SafeFileHandle? handle) ? new ZarrObject(file, handle) : null;
    }

    public override IReadOnlyList<string>? ListChildren(string prefix)
    {
        var names = new List<string>();
        foreach (string child in Directory.EnumerateDirectories(Describe(prefix)))
        {
            if (new FileInfo(child).LinkTarget is null)
            {
                names.Add(System.IO.Path.GetFileName(child)); // symbolic links are skipped: they could form cycles
            }
        }

        return names;
    }

    private static bool TryOpen(string file, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeFileHandle? handle)
    {
        try
        {
            handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            return true;
        }
        catch (FileNotFoundException)
        {
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(file))
        {
            // A directory where a chunk file would be (a v3 store's "c" when the key is "c"): no such object.
        }

        handle = null;
        return false;
    }
}
