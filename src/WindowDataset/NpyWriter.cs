using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace WindowDataset;

/// <summary>
/// Writes a C-order <c>.npy</c> file (format 1.0, or 2.0 when the header needs it) row by row, streaming, so
/// files larger than RAM can be written in bounded memory. Data is written little-endian.
/// </summary>
public sealed class NpyWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _expectedBytes;
    private long _written;

    /// <summary>Creates (or overwrites) <paramref name="path"/> with a header for <paramref name="shape"/>.</summary>
    public NpyWriter(string path, ElementType type, IReadOnlyList<long> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count == 0)
        {
            throw new ArgumentException("shape: expected at least one dimension; found none.", nameof(shape));
        }

        long bytes = ElementTypeInfo.SizeOf(type);
        foreach (long d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            bytes = checked(bytes * d);
        }

        Path = path;
        ElementType = type;
        _expectedBytes = bytes;
        byte[] header = BuildHeader(type, shape);
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        _stream.Write(header);
        DataOffset = header.Length;
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Element type of the data.</summary>
    public ElementType ElementType { get; }

    /// <summary>Byte offset of the data (the header's length, a multiple of 64).</summary>
    public long DataOffset { get; }

    /// <summary>Data bytes written so far.</summary>
    public long BytesWritten => _written;

    /// <summary>Appends raw little-endian element bytes.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        if (_written + data.Length > _expectedBytes)
        {
            throw new InvalidOperationException($"{Path}: expected {_expectedBytes} data bytes for the declared shape; found a write past the end ({_written + data.Length}).");
        }

        _stream.Write(data);
        _written += data.Length;
    }

    /// <summary>Appends elements.</summary>
    public void Write<T>(ReadOnlySpan<T> data)
        where T : unmanaged => Write(MemoryMarshal.AsBytes(data));

    /// <summary>Checks that every declared byte was written and closes the file.</summary>
    public void Complete()
    {
        if (_written != _expectedBytes)
        {
            throw new InvalidOperationException($"{Path}: expected {_expectedBytes} data bytes for the declared shape; found {_written} written.");
        }

        _stream.Flush();
        _stream.Dispose();
    }

    /// <summary>Closes the file (without the completeness check; call <see cref="Complete"/> for that).</summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>Builds a numpy header for the shape: magic, version, length, dict, padded to a multiple of 64 bytes.</summary>
    internal static byte[] BuildHeader(ElementType type, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var sb = new StringBuilder("{'descr': '").Append(ElementTypeInfo.Descr(type)).Append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.Count; i++)
        {
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            if (i < shape.Count - 1 || shape.Count == 1)
            {
                sb.Append(',');
            }

            if (i < shape.Count - 1)
            {
                sb.Append(' ');
            }
        }

        sb.Append("), }");
        string dict = sb.ToString();
        int prefix = 10;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        byte major = 1;
        if (total - prefix > ushort.MaxValue)
        {
            major = 2;
            prefix = 12;
            total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        }

        byte[] header = new byte[total];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = major;
        header[7] = 0;
        int headerLength = total - prefix;
        if (major == 1)
        {
            header[8] = (byte)headerLength;
            header[9] = (byte)(headerLength >> 8);
        }
        else
        {
            BitConverter.TryWriteBytes(header.AsSpan(8, 4), headerLength);
        }

        Encoding.Latin1.GetBytes(dict, header.AsSpan(prefix));
        header.AsSpan(prefix + dict.Length, total - prefix - dict.Length - 1).Fill((byte)' ');
        header[^1] = (byte)'\n';
        return header;
    }
}
