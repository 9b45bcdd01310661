using System.Buffers.Binary;

namespace WindowDataset.Formats.Codecs;

/// <summary>
/// The inverse of bitshuffle's <c>bshuf_trans_bit_elem</c> as c-blosc 1.21 uses it (<c>bshuf_untrans_bit_elem_scal</c>):
/// the input holds bit 0 of every element, then bit 1..., in rows of 8 elements. Blosc applies it only to blocks whose
/// element count is a multiple of 8 (others are stored as they are); trailing bytes past the last element are copied.
/// </summary>
internal static class BitShuffle
{
    /// <summary>Undoes blosc's bit shuffle of one block: <paramref name="scratch"/> needs <c>source.Length</c> bytes.</summary>
    public static void Unshuffle(int typeSize, ReadOnlySpan<byte> source, Span<byte> destination, Span<byte> scratch)
    {
        int count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        int whole = count * typeSize;
        TransposeByteBitRow(source, scratch, count, typeSize);
        ShuffleBitEightElem(scratch, destination, count, typeSize);
        source[whole..].CopyTo(destination[whole..]);
    }

    /// <summary>The forward transform (<c>bshuf_trans_bit_elem_scal</c>), for tests.</summary>
    public static void DoShuffle(int typeSize, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        int nbyte = count * typeSize;
        byte[] byteTransposed = new byte[nbyte];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < typeSize; j++)
            {
                byteTransposed[(j * count) + i] = source[(i * typeSize) + j];
            }
        }

        byte[] bitRows = new byte[nbyte];
        int rowBytes = nbyte / 8;
        for (int ii = 0; ii < rowBytes; ii++)
        {
            ulong x = TransposeBits8x8(BinaryPrimitives.ReadUInt64LittleEndian(byteTransposed.AsSpan(ii * 8)));
            for (int kk = 0; kk < 8; kk++)
            {
                bitRows[(kk * rowBytes) + ii] = (byte)x;
                x >>= 8;
            }
        }

        // bshuf_trans_bitrow_eight: an (8 x typeSize) transpose of rows of count/8 bytes.
        int rowLength = count / 8;
        for (int ii = 0; ii < 8; ii++)
        {
            for (int jj = 0; jj < typeSize; jj++)
            {
                bitRows.AsSpan(((ii * typeSize) + jj) * rowLength, rowLength).CopyTo(destination[(((jj * 8) + ii) * rowLength)..]);
            }
        }

        source[nbyte..].CopyTo(destination[nbyte..]);
    }

    // bshuf_trans_byte_bitrow_scal.
    private static void TransposeByteBitRow(ReadOnlySpan<byte> input, Span<byte> output, int count, int typeSize)
    {
        int rowBytes = count / 8;
        for (int jj = 0; jj < typeSize; jj++)
        {
            for (int kk = 0; kk < 8; kk++)
            {
                ReadOnlySpan<byte> row = input.Slice(((jj * 8) + kk) * rowBytes, rowBytes);
                int o = (jj * 8) + kk;
                for (int ii = 0; ii < rowBytes; ii++)
                {
                    output[(ii * 8 * typeSize) + o] = row[ii];
                }
            }
        }
    }

    // bshuf_shuffle_bit_eightelem_scal.
    private static void ShuffleBitEightElem(ReadOnlySpan<byte> input, Span<byte> output, int count, int typeSize)
    {
        int nbyte = typeSize * count;
        int stride = 8 * typeSize;
        for (int jj = 0; jj < stride; jj += 8)
        {
            for (int ii = 0; ii + stride - 1 < nbyte; ii += stride)
            {
                ulong x = TransposeBits8x8(BinaryPrimitives.ReadUInt64LittleEndian(input[(ii + jj)..]));
                int o = ii + (jj / 8);
                for (int kk = 0; kk < 8; kk++)
                {
                    output[o + (kk * typeSize)] = (byte)x;
                    x >>= 8;
                }
            }
        }
    }

    // TRANS_BIT_8X8: transposes an 8x8 bit matrix packed in a little-endian quadword.
    private static ulong TransposeBits8x8(ulong x)
    {
        ulong t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x = x ^ t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x = x ^ t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        x = x ^ t ^ (t << 28);
        return x;
    }
}
