using System.Buffers.Binary;
using System.Numerics;

namespace WindowDataset.Formats.Hdf5;

/// <summary>The checksums HDF5 uses: Jenkins lookup3 (metadata of format 2+) and Fletcher-32 (the chunk filter).</summary>
internal static class Hdf5Checksum
{
    /// <summary>Bob Jenkins' lookup3 <c>hashlittle</c> with initial value 0, as <c>H5_checksum_lookup3</c>.</summary>
    public static uint Lookup3(ReadOnlySpan<byte> k)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)k.Length;
        while (k.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(k);
            b += BinaryPrimitives.ReadUInt32LittleEndian(k[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(k[8..]);
            a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
            b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
            c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
            a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
            b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
            c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
            k = k[12..];
        }

        if (k.Length == 0)
        {
            return c;
        }

        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        k.CopyTo(tail);
        a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
        b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
        c ^= b; c -= BitOperations.RotateLeft(b, 14);
        a ^= c; a -= BitOperations.RotateLeft(c, 11);
        b ^= a; b -= BitOperations.RotateLeft(a, 25);
        c ^= b; c -= BitOperations.RotateLeft(b, 16);
        a ^= c; a -= BitOperations.RotateLeft(c, 4);
        b ^= a; b -= BitOperations.RotateLeft(a, 14);
        c ^= b; c -= BitOperations.RotateLeft(b, 24);
        return c;
    }

    /// <summary>Checks the lookup3 checksum stored in the last 4 bytes of <paramref name="block"/>.</summary>
    public static void Verify(ReadOnlySpan<byte> block, string path, string what)
    {
        if (block.Length < 4)
        {
            throw Hdf5Error.Invalid(path, what, "a block with a checksum", $"{block.Length} bytes");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(block[^4..]);
        uint computed = Lookup3(block[..^4]);
        if (stored != computed)
        {
            throw Hdf5Error.Invalid(path, what, $"checksum 0x{computed:x8}", $"0x{stored:x8} (corrupt metadata)");
        }
    }

    /// <summary><c>H5_checksum_fletcher32</c>: Fletcher-32 over big-endian 16-bit words, an odd last byte as the high byte.</summary>
    public static uint Fletcher32(ReadOnlySpan<byte> data)
    {
        uint sum1 = 0, sum2 = 0;
        int words = data.Length / 2;
        int i = 0;
        while (words > 0)
        {
            int block = Math.Min(words, 360);
            words -= block;
            for (int end = i + (2 * block); i < end; i += 2)
            {
                sum1 += (uint)((data[i] << 8) | data[i + 1]);
                sum2 += sum1;
            }

            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }

        if ((data.Length & 1) != 0)
        {
            sum1 += (uint)(data[^1] << 8);
            sum2 += sum1;
            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }

        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        return (sum2 << 16) | sum1;
    }
}
