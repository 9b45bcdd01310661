using Microsoft.Win32.SafeHandles;

namespace WindowDataset.Sources;

/// <summary>A local file seen as a <see cref="ByteSource"/>, for the parsers that read both local files and remote objects. Does not own the handle.</summary>
internal sealed class LocalFileBytes(string path, SafeFileHandle handle, long length) : ByteSource
{
    public override string Name => path;

    public override long Length => length;

    public override int ReadAtMost(long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    public override void Dispose()
    {
    }
}
