using Microsoft.Win32.SafeHandles;
using WindowDataset.Sources;

namespace WindowDataset.Formats.Zarr;

/// <summary>One object of a store read at offsets (a shard): a local file, or a remote object pinned at its first open.</summary>
internal sealed class ZarrObject : IDisposable
{
    private readonly SafeFileHandle? _handle;
    private readonly ByteSource? _bytes;

    public ZarrObject(string name, SafeFileHandle handle)
    {
        Name = name;
        _handle = handle;
        Length = RandomAccess.GetLength(handle);
    }

    /// <summary>A remote object; it belongs to the storage that opened it (disposing this does not close it).</summary>
    public ZarrObject(ByteSource bytes)
    {
        Name = bytes.Name;
        _bytes = bytes;
        Length = bytes.Length;
    }

    public string Name { get; }

    public long Length { get; }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; <paramref name="what"/> starts the message of a short read.</summary>
    public void ReadExactly(long offset, Span<byte> buffer, string what)
    {
        if (_bytes is not null)
        {
            int got = _bytes.ReadAtMost(offset, buffer);
            if (got != buffer.Length)
            {
                throw new InvalidDataException($"{what}: expected {buffer.Length} bytes at offset {offset}; found {got} (the object is {Length} bytes).");
            }

            return;
        }

        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(_handle!, buffer[total..], offset + total);
            if (n == 0)
            {
                throw new InvalidDataException($"{what}: expected {buffer.Length} bytes at offset {offset}; found {total} (file shrank while reading?).");
            }

            total += n;
        }
    }

    /// <summary>These bytes will be read soon: a remote object starts fetching them into the engine's block cache. Never blocks.</summary>
    public void WillNeed(long offset, long length) => _bytes?.WillNeed(offset, length);

    public void Dispose() => _handle?.Dispose();
}
