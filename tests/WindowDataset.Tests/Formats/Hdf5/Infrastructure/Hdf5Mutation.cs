using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using WindowDataset.Formats;
using WindowDataset.Formats.Hdf5;

namespace WindowDataset.Tests.Formats.Hdf5.Infrastructure;

/// <summary>Helpers that damage fixture bytes and run the whole reader over the result.</summary>
internal static class Hdf5Mutation
{
    public static byte[] Bytes(string fixture) => File.ReadAllBytes(Hdf5Fixtures.Full(fixture));

    /// <summary>Opens the file, describes every dataset and reads every chunk. Returns null when all of it succeeded.</summary>
    public static Exception? ReadEverything(string path)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path);
            Hdf5File file = Hdf5File.Open(path, handle, RandomAccess.GetLength(handle));
            foreach (string name in file.Datasets)
            {
                ArrayDescription d = file.Describe(name);
                if (d.DataOffset < 0)
                {
                    ReadSomeChunks(d.Chunks!);
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            return ex;
        }
    }

    /// <summary>Decodes every chunk of a small grid, or the first 64 and the last of a large one (damaged dims can make a grid huge).</summary>
    private static void ReadSomeChunks(WindowDataset.Sources.ChunkedArray chunks)
    {
        long count = 1;
        foreach (long g in chunks.GridShape)
        {
            count = g == 0 ? 0 : Math.Min(count * g, 1L << 40);
        }

        byte[] buffer = new byte[chunks.ChunkBytes];
        var coords = new long[chunks.GridShape.Length];
        for (long n = 0; n < count; n++)
        {
            if (n >= 64 && n != count - 1)
            {
                n = count - 2;
                continue;
            }

            long rest = n;
            for (int i = coords.Length - 1; i >= 0; i--)
            {
                coords[i] = rest % chunks.GridShape[i];
                rest /= chunks.GridShape[i];
            }

            chunks.TryReadChunk(coords, buffer);
        }
    }

    /// <summary>Asserts <paramref name="ex"/> is an <see cref="InvalidDataException"/> (or, when allowed, <see cref="NotSupportedException"/>) naming <paramref name="path"/>.</summary>
    public static void AssertNamesFile(Exception? ex, string path, bool allowNotSupported = false)
    {
        Assert.NotNull(ex);
        Assert.True(ex is InvalidDataException || (allowNotSupported && ex is NotSupportedException), $"{ex.GetType().Name}: {ex.Message}");
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Every position of <paramref name="pattern"/> in <paramref name="data"/>.</summary>
    public static List<int> FindAll(byte[] data, ReadOnlySpan<byte> pattern)
    {
        var found = new List<int>();
        for (int at = data.AsSpan().IndexOf(pattern); at >= 0;)
        {
            found.Add(at);
            int next = data.AsSpan(at + 1).IndexOf(pattern);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return found;
    }

    public static int FindOnce(byte[] data, ReadOnlySpan<byte> pattern)
    {
        List<int> all = FindAll(data, pattern);
        Assert.True(all.Count == 1, $"pattern {Convert.ToHexString(pattern)} found {all.Count} times");
        return all[0];
    }

    public static byte[] U64(params ulong[] values)
    {
        byte[] b = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8 * i), values[i]);
        }

        return b;
    }

    /// <summary>Rewrites the end-of-file address of a version 0 superblock (no checksum) so a truncated file still claims to be whole.</summary>
    public static void SetEndOfFileV0(byte[] data, long eof) => BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(24 + 16), eof);

    /// <summary>Rewrites the end-of-file address of a version 2/3 superblock and its checksum.</summary>
    public static void SetEndOfFileV2(byte[] data, long eof)
    {
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(12 + 16), eof);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(44), Hdf5Checksum.Lookup3(data.AsSpan(0, 44)));
    }
}
